namespace TrainWatch.TorchSharp;

/// <summary>
/// A feature that rides on the watcher's sampling schedule (pictures, graph, projector, ...). The watcher calls it on the
/// training thread, catches what it throws, and disposes it with the watcher.
/// </summary>
internal interface IWatchExtension : IDisposable
{
    /// <summary>
    /// Before the forward pass of sampled step <paramref name="step"/> (the <paramref name="sampleIndex"/>-th sample):
    /// the place to register hooks that must see that forward pass. Not called for step 0, which is armed at attach.
    /// </summary>
    void BeforeSampledForward(long step, long sampleIndex);

    /// <summary>At the end of <see cref="TrainWatcher.Step"/> for sampled step <paramref name="step"/>, after the statistics.</summary>
    void OnSampleStep(long step, long sampleIndex);
}

/// <summary>What an extension may use: the model, the run's writer, the options, and a one-line warning channel.</summary>
/// <param name="Model">The watched model.</param>
/// <param name="Writer">The run's writer.</param>
/// <param name="Options">The watcher's options.</param>
/// <param name="Warn">Reports a problem to the user (logger or standard error).</param>
/// <param name="Recorder">The forward recorder: the order modules ran in on the last sampled step.</param>
internal sealed record WatchContext(global::TorchSharp.torch.nn.Module Model, SummaryWriter Writer, WatchOptions Options, Action<string> Warn, Recording.ForwardRecorder? Recorder = null)
{
    /// <summary>The last recorded training forward pass, or null before the first.</summary>
    public Recording.ForwardRecording? LastRecording => Recorder?.Last;
}
