using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Features;

/// <summary>
/// A feature that rides on the watcher's sampling schedule (pictures, graph, projector, histories, ...). The watcher
/// knows features only through this interface: it calls them on the training thread, catches what they throw, routes
/// the user's feature calls to them as <see cref="WatchRequest"/>s, and disposes them with itself (the place for a
/// feature's final write).
/// </summary>
internal interface IWatchExtension : IDisposable
{
    /// <summary>
    /// Before the forward pass of sampled step <paramref name="step"/> (the <paramref name="sampleIndex"/>-th sample):
    /// the place to register hooks that must see that forward pass. Not called for step 0, which is armed at attach.
    /// </summary>
    void BeforeSampledForward(long step, long sampleIndex);

    /// <summary>At the end of <see cref="TrainWatcher.Step"/> for a sampled step, after the statistics and alerts.</summary>
    void OnSample(SampleStep sample);

    /// <summary>A user's call for a feature (a probe batch, hyper-parameters); a feature ignores what is not its own.</summary>
    void Receive(WatchRequest request)
    {
    }

    /// <summary>What the feature has done so far, for tests and statistics.</summary>
    ExtensionCounters Counters => default;
}

/// <summary>A sampled step as features see it.</summary>
/// <param name="Step">The training step.</param>
/// <param name="Index">How many samples came before it.</param>
/// <param name="Data">Its host-side statistics, or null when collecting them failed (the failure is reported once).</param>
internal readonly record struct SampleStep(long Step, long Index, SampleData? Data);

/// <summary>Counts a feature keeps: picture steps written and the host copies they took (one per picture step).</summary>
internal readonly record struct ExtensionCounters(long PictureSteps, long HostCopies)
{
    public static ExtensionCounters operator +(ExtensionCounters a, ExtensionCounters b) =>
        new(a.PictureSteps + b.PictureSteps, a.HostCopies + b.HostCopies);
}

/// <summary>What an extension may use: the model, the run's writer, the options, and a one-line warning channel.</summary>
/// <param name="Model">The watched model.</param>
/// <param name="Writer">The run's writer.</param>
/// <param name="Options">The watcher's options.</param>
/// <param name="Warn">Reports a problem to the user (logger or standard error).</param>
/// <param name="HookFailures">Where a hook of the extension's own counts an exception it caught.</param>
/// <param name="Recorder">The forward recorder: the order modules ran in on the last sampled step.</param>
internal sealed record WatchContext(global::TorchSharp.torch.nn.Module Model, SummaryWriter Writer, WatchOptions Options, Action<string> Warn, Recording.HookFailures HookFailures, Recording.ForwardRecorder? Recorder = null)
{
    /// <summary>The last recorded training forward pass, or null before the first.</summary>
    public Recording.ForwardRecording? LastRecording => Recorder?.Last;
}
