using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using TrainWatch.Events;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Distributed;
using TrainWatch.TorchSharp.Recording;
using TrainWatch.TorchSharp.Reporting;
using TrainWatch.TorchSharp.Sampling;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp;

/// <summary>
/// Watches a TorchSharp training loop: one line to attach, one call per optimizer step.
/// </summary>
/// <example>
/// <code>
/// using var watch = TrainWatcher.Attach(model, optimizer, "runs/exp1", every: 100);
/// for (...) {
///     optimizer.zero_grad();
///     var loss = criterion(model.call(x), y);
///     loss.backward();
///     watch.Step(loss);      // after backward(), before optimizer.step()
///     optimizer.step();
/// }
/// </code>
/// </example>
/// <remarks>
/// <para>Every <see cref="WatchOptions.Every"/>-th call samples: statistics and histograms of every weight and
/// gradient, of every leaf module's output (forward hooks registered for that step only), the loss, the learning rates
/// and the speed. They are computed on the tensors' device, packed, and copied to the host once; summaries are built
/// and written on a background thread. Other calls cost one integer comparison.</para>
/// <para>Call <see cref="Step"/> after <c>loss.backward()</c> (gradients are read from <c>p.grad</c>; TorchSharp 0.107
/// has no backward hooks). Before <c>optimizer.step()</c> the update ratio describes the step's own update; after it,
/// the next step's. With gradient accumulation call it once per optimizer step, after the last backward.</para>
/// </remarks>
public sealed partial class TrainWatcher : IDisposable, IAsyncDisposable
{
    private readonly WatchOptions _options;
    private readonly SummaryWriter? _writer;
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _parameters;
    private readonly IReadOnlyList<Parameter> _weights;
    private readonly IReadOnlyList<torch.optim.Optimizer> _optimizers;
    private readonly ForwardRecorder? _recorder;
    private readonly UpdateRatioTracker _updates = new();
    private readonly SampleCollector _collector;
    private readonly Diagnostician _diagnostician;
    private readonly List<IWatchExtension> _extensions = [];
    private long _sampleIndex;
    private readonly HashSet<(AlertKind, string)> _alertsShownOnConsole = [];
    private readonly List<Alert> _alerts = [];
    private readonly int _every;
    private long _step;
    private long _nextSample;
    private long _lastSampleStep = -1;
    private long _lastFailedStep = -1;
    private long _lastSampleTimestamp;
    private bool _warnedNoGradients;
    private bool _warnedFailure;
    private bool _disposed;

    private TrainWatcher(Module model, IReadOnlyList<torch.optim.Optimizer> optimizers, string logDirectory, WatchOptions options)
    {
        options.Validate();
        _options = options;
        _every = options.Every;
        _step = options.InitialStep;
        _nextSample = (options.InitialStep + _every - 1) / _every * _every; // the first multiple of Every from there on
        _optimizers = optimizers;
        Rank = options.Rank ?? ProcessRank.FromEnvironment();

        // An empty parameter has no statistics; it is left out rather than failing every sample it would be part of.
        _parameters = model.named_parameters()
            .Where(p => p.parameter.numel() > 0)
            .Where(p => options.ParameterFilter?.Invoke(p.name) ?? true)
            .Select(p => (p.name, p.parameter))
            .ToList();
        _weights = _parameters.Select(p => p.Parameter).ToList();
        HostTransfer = new HostTransfer();
        _collector = new SampleCollector(_parameters, options.HistogramBins, HostTransfer);
        _diagnostician = new Diagnostician(options.Alerts);

        IsWriting = !Rank.IsDistributed || Rank.Rank == 0 || options.Ranks == RankPolicy.EachRankOwnRun;
        if (!IsWriting)
        {
            return;
        }

        string runDirectory = Rank.IsDistributed && options.Ranks == RankPolicy.EachRankOwnRun
            ? Path.Combine(logDirectory, $"rank{Rank.Rank}")
            : logDirectory;

        bool resumesRun = Directory.Exists(runDirectory) && Directory.EnumerateFiles(runDirectory).Any(EventFileName.IsEventFile);

        // Fails fast: an unwritable log directory throws here, before training starts.
        _writer = new SummaryWriter(runDirectory, options.Writer with { Logger = options.Writer.Logger ?? options.Logger });

        // One set of hooks for everything that needs the forward pass: statistics, alerts, graph, pictures, projector.
        var measure = options.WatchActivations ? new ActivationSettings(options.HistogramBins, options.ActivationSampleLimit) : null;
        _recorder = new ForwardRecorder(model, measure, options.ModuleFilter, Warn);
        if (_step == _nextSample)
        {
            _recorder.Arm(_step); // the first step is sampled
        }

        if (resumesRun && options.InitialStep == 0)
        {
            Warn($"TrainWatch: '{runDirectory}' already holds event files and this run starts again at step 0. If it resumes a checkpoint, set WatchOptions.InitialStep to the checkpoint's step; otherwise TensorBoard may hide the earlier run's points after each new step.");
        }

        var context = new WatchContext(model, _writer, options, Warn, _recorder);
        AddExtensions(context);
    }

    // Features beyond statistics (pictures, graph, projector, ...) plug in here, one line each.
    private void AddExtensions(WatchContext context)
    {
        _extensions.AddRange(Tabs.TensorBoardTabs.Create(context, () => _step));
        _extensions.AddRange(Pictures.PictureExtension.For(context));
    }

    /// <summary>Raised on the training thread for each new alert. Exceptions from handlers are caught and logged.</summary>
    public event EventHandler<AlertEventArgs>? AlertRaised;

    /// <summary>The process's rank in a torchrun-style job.</summary>
    public ProcessRank Rank { get; }

    /// <summary>Whether this process writes (see <see cref="WatchOptions.Ranks"/>).</summary>
    public bool IsWriting { get; }

    /// <summary>The run directory written, or null on a rank that does not write.</summary>
    public string? LogDirectory => _writer?.LogDirectory;

    /// <summary>The writer, for logging your own summaries into the same run (null on a rank that does not write).</summary>
    public SummaryWriter? Writer => _writer;

    /// <summary>The step the next <see cref="Step"/> call will be.</summary>
    public long CurrentStep => _step;

    /// <summary>Alerts raised so far.</summary>
    public IReadOnlyList<Alert> Alerts => _alerts;

    /// <summary>Sample steps that failed inside the watcher (training went on).</summary>
    public int FailedSamples { get; private set; }

    internal HostTransfer HostTransfer { get; }

    internal bool ActivationHooksArmed => _recorder?.IsArmed ?? false;

    /// <summary>The last recorded training forward pass (module calls in execution order).</summary>
    internal ForwardRecording? LastRecording => _recorder?.Last;

    /// <summary>Attaches to <paramref name="model"/> trained by <paramref name="optimizer"/>, writing to <paramref name="logDirectory"/>.</summary>
    /// <exception cref="IOException">The log directory cannot be created or written.</exception>
    public static TrainWatcher Attach(Module model, torch.optim.Optimizer optimizer, string logDirectory, int every = 100, WatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Attach(model, [optimizer], logDirectory, (options ?? WatchOptions.Default) with { Every = every });
    }

    /// <summary>Attaches to a model trained by several optimizers (their learning rates are all logged).</summary>
    /// <exception cref="IOException">The log directory cannot be created or written.</exception>
    public static TrainWatcher Attach(Module model, IEnumerable<torch.optim.Optimizer> optimizers, string logDirectory, WatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizers);
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        return new TrainWatcher(model, optimizers.ToList(), logDirectory, options ?? WatchOptions.Default);
    }

    /// <summary>
    /// Marks the end of one optimizer step. Call after <c>loss.backward()</c>; <paramref name="loss"/> is read only on
    /// sampled steps. Never throws into training, except <see cref="TrainingDivergedException"/> under
    /// <see cref="WatchOptions.StopOnNaN"/>.
    /// </summary>
    public void Step(Tensor? loss = null)
    {
        long step = _step++;
        if (step == _nextSample)
        {
            _nextSample += _every;
            if (IsWriting && !_disposed)
            {
                Sample(step, loss);
            }
        }
        else if (_updates.AwaitingUpdate)
        {
            Guard(() => _updates.MeasureUpdate(Weights()));
        }

        if (step + 1 == _nextSample && IsWriting && !_disposed)
        {
            _recorder?.Arm(step + 1);
            foreach (var extension in _extensions)
            {
                Guard(() => extension.BeforeSampledForward(step + 1, _sampleIndex));
            }
        }
    }

    /// <summary>Writes what is pending and closes the run.</summary>
    public void Dispose()
    {
        if (ReleaseTrainingSide())
        {
            _writer?.Dispose();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (ReleaseTrainingSide() && _writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Everything but the writer: the last update ratio, extensions, hooks and device copies. False when already done.
    private bool ReleaseTrainingSide()
    {
        if (_disposed)
        {
            return false;
        }

        _disposed = true;
        WritePendingUpdate();
        DisposeExtensions();
        _recorder?.Dispose();
        _updates.Dispose();
        _collector.Dispose();
        return true;
    }

    private void Sample(long step, Tensor? loss)
    {
        IReadOnlyList<Alert> alerts = [];
        Guard(() =>
        {
            _recorder?.Disarm();
            var recording = _recorder?.Last is { } last && last.Step == step ? last : null;
            if (_updates.AwaitingUpdate)
            {
                _updates.MeasureUpdate(Weights());
            }

            long updateStep = _updates.PendingStep ?? -1;
            var sample = _collector.Collect(
                step,
                loss,
                _recorder?.TakeRows() ?? [],
                _recorder?.TakeInputCheck(),
                _updates.TakePending(),
                updateStep,
                LearningRates(),
                StepsPerSecond(step));
            _updates.Snapshot(Weights(), step);

            WarnAboutUsage(sample);
            alerts = _diagnostician.Examine(sample, recording);
            _alerts.AddRange(alerts);
            long totalAlerts = _alerts.Count;

            // Summaries are built on the writer's thread: the training thread only hands over the host data.
            _writer!.AddDeferred(step, () => SampleSummaries.Build(sample), EstimateBytes(sample));
            if (sample.Updates is { } updates)
            {
                _writer.AddDeferred(updates.Step, () => SampleSummaries.BuildUpdates(updates), 64L * updates.Ratios.Count);
            }

            if (alerts.Count > 0)
            {
                _writer.AddDeferred(step, () => SampleSummaries.BuildAlerts(alerts, totalAlerts), 256L * alerts.Count);
            }
        });

        foreach (var alert in alerts)
        {
            Publish(alert);
        }

        long sampleIndex = _sampleIndex++;
        foreach (var extension in _extensions)
        {
            Guard(() => extension.OnSampleStep(step, sampleIndex));
        }

        if (_options.StopOnNaN && alerts.FirstOrDefault(a => a.Kind == AlertKind.NonFinite) is { } nonFinite)
        {
            _writer?.Flush();
            throw new TrainingDivergedException(nonFinite);
        }
    }

    // The last sample's update ratio is parked on the device until the next sample; at the end there is none, so
    // it takes one extra host copy here rather than being lost.
    private void WritePendingUpdate()
    {
        if (_writer is null || !IsWriting)
        {
            return;
        }

        // A snapshot not yet measured is dropped: whether an optimizer step followed it is unknown, and a ratio of 0
        // would be a false statement.
        Guard(() =>
        {
            long updateStep = _updates.PendingStep ?? -1;
            using var pending = _updates.TakePending();
            if (pending is null)
            {
                return;
            }

            double[] norms = HostTransfer.Copy([pending]);
            var ratios = _parameters.Select((p, i) => (p.Name, norms[2 * i], norms[2 * i + 1])).ToList();
            var updates = new UpdateSample(updateStep, ratios);
            _writer.AddDeferred(updateStep, () => SampleSummaries.BuildUpdates(updates), 64L * ratios.Count);
        });
    }

    private void DisposeExtensions()
    {
        foreach (var extension in _extensions)
        {
            Guard(extension.Dispose);
        }

        _extensions.Clear();
    }

    private IReadOnlyList<Parameter> Weights() => _weights;

    private List<(string Name, double Value)> LearningRates()
    {
        var rates = new List<(string, double)>();
        for (int o = 0; o < _optimizers.Count; o++)
        {
            var groups = _optimizers[o].ParamGroups.ToList();
            for (int g = 0; g < groups.Count; g++)
            {
                string name = (_optimizers.Count, groups.Count) switch
                {
                    (1, 1) => "",
                    (1, _) => $"group{g}",
                    (_, 1) => $"optimizer{o}",
                    _ => $"optimizer{o}/group{g}",
                };
                rates.Add((name, groups[g].LearningRate));
            }
        }

        return rates;
    }

    private double StepsPerSecond(long step)
    {
        long now = Stopwatch.GetTimestamp();
        double rate = _lastSampleStep < 0 ? double.NaN : (step - _lastSampleStep) / Stopwatch.GetElapsedTime(_lastSampleTimestamp, now).TotalSeconds;
        _lastSampleStep = step;
        _lastSampleTimestamp = now;
        return rate;
    }

    private void WarnAboutUsage(SampleData sample)
    {
        // zero_grad() either drops the gradients (set_to_none) or zeroes them: both mean Step came at the wrong place.
        bool gradientsGone = sample.Parameters.All(p => p.Gradient is null || p.Gradient.ZeroFraction == 1);
        if (!_warnedNoGradients && sample.Parameters.Count > 0 && gradientsGone && _parameters.Any(p => p.Parameter.requires_grad))
        {
            _warnedNoGradients = true;
            Warn($"TrainWatch: no parameter had a gradient at step {sample.Step} (all null or zero). Call watch.Step(loss) after loss.backward() and before optimizer.zero_grad().");
        }

        if (_recorder?.TakeSilentModules() is { Count: > 0 } silent)
        {
            Warn($"TrainWatch: the forward hooks of {silent.Count} module(s) never fired ({string.Join(", ", silent.Take(8))}{(silent.Count > 8 ? ", ..." : "")}). TorchSharp runs hooks only through module.call(x); a parent that calls child.forward(x) bypasses them.");
        }
    }

    private void Publish(Alert alert)
    {
        try
        {
            _options.Logger?.LogWarning("TrainWatch alert at step {Step}: {Message}", alert.Step, alert.Message);
            if (_options.AlertsToConsole && _alertsShownOnConsole.Add((alert.Kind, alert.Layer)))
            {
                Console.Error.WriteLine($"TrainWatch alert: {alert}");
            }

            AlertRaised?.Invoke(this, new AlertEventArgs(alert));
        }
        catch (Exception e)
        {
            ReportFailure(e);
        }
    }

    private void Guard(Action work)
    {
        try
        {
            work();
        }
        catch (Exception e)
        {
            // A monitor must never take training down: the sample is lost, the error is reported once. A step counts
            // once however many of its parts failed.
            if (_lastFailedStep != _step)
            {
                _lastFailedStep = _step;
                FailedSamples++;
            }

            ReportFailure(e);
        }
    }

    private void ReportFailure(Exception e)
    {
        if (_warnedFailure)
        {
            return;
        }

        _warnedFailure = true;
        Warn($"TrainWatch: a sample step failed and was skipped ({e.GetType().Name}: {e.Message}). Training continues; further failures are counted in FailedSamples.");
    }

    private void Warn(string message)
    {
        if (_options.Logger is { } logger)
        {
#pragma warning disable CA2254 // One-time diagnostic sentences; no structured fields to extract.
            logger.LogWarning(message);
#pragma warning restore CA2254
        }
        else
        {
            Console.Error.WriteLine(message);
        }
    }

    private static long EstimateBytes(SampleData sample) =>
        (sample.Parameters.Count * 2 + sample.Activations.Count) * 1024L;
}
