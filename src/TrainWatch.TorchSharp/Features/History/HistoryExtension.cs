using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Features.History;

/// <summary>
/// Keeps the distribution histories (<see cref="WatchOptions.History"/>) and writes their pictures. Each sample's
/// host-side statistics go to the writer as a deferred builder: rebinning, and drawing on picture steps, run where the
/// writer builds, which for the watcher is the training thread inside <c>Step</c> (docs/reliability.md, issue 24).
/// </summary>
internal sealed class HistoryExtension : IWatchExtension
{
    private readonly WatchContext _context;
    private readonly Sampling.StepInterval _pictures;
    private long _lastSampleStep = -1;
    private long _lastPictureStep = -1;

    private HistoryExtension(WatchContext context, HistoryOptions options)
    {
        _context = context;
        _pictures = new Sampling.StepInterval(options.EverySteps);
        Histories = new DistributionHistories(options);
    }

    /// <summary>The histories (filled by the writer's deferred builders).</summary>
    public DistributionHistories Histories { get; }

    /// <summary>The extension for <paramref name="context"/>, or none when histories are turned off.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IEnumerable<IWatchExtension> For(WatchContext context)
    {
        if (context.Options.History is not { } options)
        {
            return [];
        }

        options.Validate();
        return [new HistoryExtension(context, options)];
    }

    /// <summary>Adds a sample step (the <paramref name="sampleIndex"/>-th) to the histories; on picture steps, draws them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(Sampling.SampleData sample, long sampleIndex)
    {
        // Not at the first sample step, although the schedule starts there: a history of one sampled step is one
        // column, what TensorBoard's histogram of that step already shows, and drawing a picture per layer there cost
        // the first step 254 ms on a model of 48 blocks (340 pictures). The schedule still counts from the first step.
        bool picture = _pictures.IsDue(sample.Step) && sampleIndex > 0;
        _lastSampleStep = sample.Step;
        if (picture)
        {
            _lastPictureStep = sample.Step;
        }

        var histories = Histories;
        _context.Writer.AddDeferred(sample.Step, [MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
        {
            histories.Record(sample);
            return picture ? histories.Draw() : null;
        }, 64L * (sample.Activations.Count + sample.Parameters.Count));
    }

    public void BeforeSampledForward(long step, long sampleIndex)
    {
        // Nothing to arm: the histories come from the statistics every sample step computes.
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnSample(SampleStep sample)
    {
        if (sample.Data is { } data)
        {
            Record(data, sample.Index);
        }
    }

    /// <summary>At the end of the run the pictures include the last sampled steps, unless they were just drawn.</summary>
    public void Dispose()
    {
        if (_lastSampleStep >= 0 && _lastSampleStep != _lastPictureStep)
        {
            _lastPictureStep = _lastSampleStep;
            var histories = Histories;
            _context.Writer.AddDeferred(_lastSampleStep, histories.Draw, 4096);
        }
    }
}
