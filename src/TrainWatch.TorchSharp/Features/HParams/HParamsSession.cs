using TrainWatch.Protos.Plugins.HParams;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;

namespace TrainWatch.TorchSharp.Features.HParams;

/// <summary>
/// The run as one session of the HParams tab: experiment and session start when hyper-parameters are logged, session
/// end (success) when the watcher is disposed. Everything goes into the run's own event file, next to the scalars the
/// metrics refer to.
/// </summary>
internal sealed class HParamsSession : IWatchExtension
{
    private readonly WatchContext _context;
    private readonly Func<long> _currentStep;
    private bool _started;
    private bool _ended;

    public HParamsSession(WatchContext context, Func<long> currentStep)
    {
        _context = context;
        _currentStep = currentStep;
    }

    /// <summary>The metrics every session shows: the loss the watcher writes.</summary>
    public static IReadOnlyList<string> DefaultMetrics { get; } = [RunTags.Loss];

    /// <summary>Throws what <see cref="Log"/> would throw for these hyper-parameters, without writing anything.</summary>
    public static void Validate(IReadOnlyDictionary<string, object> hparams)
    {
        if (hparams.Count == 0)
        {
            throw new ArgumentException("Log at least one hyper-parameter.", nameof(hparams));
        }

        var values = hparams.ToDictionary(h => h.Key, h => (object?)h.Value, StringComparer.Ordinal);
        _ = HParamsSummary.Experiment(values, DefaultMetrics);
        _ = HParamsSummary.SessionStart(values);
    }

    public void Log(IReadOnlyDictionary<string, object> hparams, IReadOnlyDictionary<string, double>? finalMetrics)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        if (hparams.Count == 0)
        {
            throw new ArgumentException("Log at least one hyper-parameter.", nameof(hparams));
        }

        if (_started)
        {
            throw new InvalidOperationException("Hyper-parameters are logged once per run (TensorBoard keeps the first); pass them all in one call.");
        }

        var values = hparams.ToDictionary(h => h.Key, h => (object?)h.Value, StringComparer.Ordinal);
        var metrics = DefaultMetrics.Concat(finalMetrics?.Keys ?? []).ToList();

        // Build first, so invalid names or tags throw before anything is written.
        var experiment = HParamsSummary.Experiment(values, metrics);
        var start = HParamsSummary.SessionStart(values);
        long step = _currentStep();
        _context.Writer.AddSummary(experiment, step);
        _context.Writer.AddSummary(start, step);
        foreach (var (tag, value) in finalMetrics ?? new Dictionary<string, double>())
        {
            _context.Writer.AddScalar(tag, value, step);
        }

        _started = true;
    }

    public void BeforeSampledForward(long step, long sampleIndex)
    {
    }

    public void OnSample(SampleStep sample)
    {
    }

    public void Receive(WatchRequest request)
    {
        if (request is HParamsRequest hparams)
        {
            Log(hparams.HParams, hparams.FinalMetrics);
        }
    }

    public void Dispose()
    {
        if (_started && !_ended)
        {
            _ended = true;
            _context.Writer.AddSummary(HParamsSummary.SessionEnd(Status.Success), _currentStep());
        }
    }
}
