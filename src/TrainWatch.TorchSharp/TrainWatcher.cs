using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using TorchSharp;
using TrainWatch.Events;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Distributed;
using TrainWatch.TorchSharp.Features;
using TrainWatch.TorchSharp.Lifecycle;
using TrainWatch.TorchSharp.Recording;
using TrainWatch.TorchSharp.Reporting;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
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
/// gradient, of every leaf module's output (forward hooks, registered once at Attach and open for that step only), the
/// loss, the learning rates and the speed. They are computed on the tensors' device, packed, and copied to the host
/// once; summaries are built on the training thread (docs/reliability.md) and written on a background thread. Other
/// calls cost one integer comparison.</para>
/// <para>Call <see cref="Step"/> after <c>loss.backward()</c> (gradients are read from <c>p.grad</c>; TorchSharp 0.107
/// has no backward hooks). Before <c>optimizer.step()</c> the update ratio describes the step's own update; after it,
/// the next step's. With gradient accumulation call it once per optimizer step, after the last backward.</para>
/// <para>Call <see cref="Step"/> and <see cref="Dispose"/> on the thread that trains, not beside it: Dispose removes
/// the hooks from the model's modules, which TorchSharp must not be calling at that moment, and releases tensors a
/// step in progress would read.</para>
/// </remarks>
public sealed partial class TrainWatcher : IDisposable, IAsyncDisposable
{
    private readonly WatchOptions _options;
    private readonly SummaryWriter? _writer;
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _parameters;
    private readonly IReadOnlyList<Parameter> _weights;
    private readonly IReadOnlyList<torch.optim.Optimizer> _optimizers;
    private readonly SampleSchedule _schedule;
    private readonly ForwardRecorder? _recorder;
    private readonly UpdateRatioTracker _updates;
    private readonly SummaryTags _summaryTags = new();
    private readonly SampleCollector _collector;
    private readonly Diagnostician _diagnostician;
    private readonly AlertPublisher _publisher;
    private readonly UsageAdvisor _advisor;
    private readonly List<IWatchExtension> _extensions = [];
    private readonly List<Alert> _alerts = [];
    private readonly HookFailures _hookFailures = new();
    private int _hookFailuresWritten;
    private bool _holdsBlockingCollections;
    private long _sampleIndex;
    private long _lastFailedStep = -1;
    private bool _disposed;

    private TrainWatcher(Module model, IReadOnlyList<torch.optim.Optimizer> optimizers, string logDirectory, WatchOptions options)
    {
        options.Validate();
        _options = options;
        _schedule = new SampleSchedule(options.InitialStep, options.Every);
        _updates = new UpdateRatioTracker(options.HostKernels, options.UpdateRatioSampleLimit);
        _optimizers = optimizers;
        _advisor = new UsageAdvisor(options.Logger);
        _publisher = new AlertPublisher(options, _advisor.ReportFailure);
        Rank = options.Rank ?? ProcessRank.FromEnvironment();
        _parameters = WatchedParameters.Select(model, options);
        _weights = _parameters.Select(p => p.Parameter).ToList();
        HostTransfer = new HostTransfer();
        _collector = new SampleCollector(_parameters, options.HistogramBins, HostTransfer, options.HostKernels, options.HistogramSampleLimit);
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
        var footprint = RunDirectoryFootprint.Take(runDirectory);
        var warmUp = WarmUp = AttachWarmUp.Start(options); // beside the attach work below; joined before Attach returns or throws
        WatchContext context;
        try
        {
            // Fails fast: an unwritable log directory throws here, before training starts. Summaries are built on the
            // training thread (docs/reliability.md: a collection started by another thread can crash TorchSharp code).
            Reached(AttachStage.OpeningWriter);
            _writer = new SummaryWriter(runDirectory, options.Writer with { Logger = options.Writer.Logger ?? options.Logger, BuildOnCallerThread = true });

            // One set of hooks for everything that needs the forward pass: statistics, alerts, graph, pictures, projector.
            Reached(AttachStage.RegisteringHooks);
            var measure = options.Activations ? new ActivationSettings(options.HistogramBins, options.ActivationSampleLimit, options.HostKernels, options.HistogramSampleLimit) : null;
            _recorder = new ForwardRecorder(model, measure, options.ModuleFilter, _advisor.Warn, _hookFailures, options.InsideForwardHook);
            if (_schedule.NextIsSampled)
            {
                _recorder.Arm(_schedule.Current); // the first step is sampled
            }

            Reached(AttachStage.AddingExtensions);
            context = new WatchContext(model, _writer, options, _advisor.Warn, _hookFailures, _recorder);
            AddExtensions(context);

            Reached(AttachStage.CheckingModel);
            CheckModel(model); // TrainWatcher.ModelCheck.cs: suspect initial values, as alerts at the first step
        }
        catch
        {
            // Nothing half-attached survives: hooks off the user's model, writer closed, directory as it was found.
            ReleaseTrainingSide();
            CloseWriter();
            footprint.Restore();
            throw;
        }
        finally
        {
            warmUp.Join(); // no thread of TrainWatch's may still allocate once the user's code runs again
        }

        if (options.BlockingGarbageCollections)
        {
            BlockingCollections.Acquire(); // last, so that a failed attach has nothing to give back
            _holdsBlockingCollections = true;
        }

        FeatureNotes.Announce(context); // the one line a run prints besides its alerts, once the attach has succeeded
        if (resumesRun && options.InitialStep == 0)
        {
            _advisor.ResumedAtZero(runDirectory);
        }
    }

    private void Reached(AttachStage stage) => _options.AttachStageReached?.Invoke(stage);

    /// <summary>The first-use work done beside Attach (null on a rank that does not write).</summary>
    internal AttachWarmUp? WarmUp { get; }

    // Features beyond statistics (pictures, graph, projector, ...) are listed in WatchFeatures.
    private void AddExtensions(WatchContext context) => _extensions.AddRange(WatchFeatures.Create(context, () => _schedule.Current));

    // A user's call for a feature goes to every feature; the one it is for acts on it. What it throws (a second
    // LogHParams) reaches the caller: these are the user's own calls, outside the training step.
    private void Route(WatchRequest request)
    {
        foreach (var extension in _extensions)
        {
            extension.Receive(request);
        }
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
    public long CurrentStep => _schedule.Current;

    /// <summary>Alerts raised so far: every finding, each with its incident.</summary>
    public IReadOnlyList<Alert> Alerts => _alerts;

    /// <summary>Incidents so far: one per fault, its root finding first in causal order, then its consequences.</summary>
    public IReadOnlyList<Incident> Incidents => _diagnostician.Incidents;

    /// <summary>Sample steps that failed inside the watcher (training went on).</summary>
    public int FailedSamples => _advisor.FailedSamples;

    internal HostTransfer HostTransfer { get; }

    internal bool ActivationHooksArmed => _recorder?.IsArmed ?? false;

    /// <summary>The last recorded training forward pass (module calls in execution order).</summary>
    internal ForwardRecording? LastRecording => _recorder?.Last;

    /// <summary>Attaches to <paramref name="model"/> trained by <paramref name="optimizer"/>, writing to <paramref name="logDirectory"/>.</summary>
    /// <exception cref="IOException">The log directory cannot be created or written.</exception>
    /// <param name="model">The model to watch.</param>
    /// <param name="optimizer">The optimizer that trains it (its learning rates are logged).</param>
    /// <param name="logDirectory">The run directory (created if needed).</param>
    /// <param name="every">Sample every N-th step; when null, <see cref="WatchOptions.Every"/> (default 100).</param>
    /// <param name="options">Everything else; <see cref="WatchOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="every"/> and <see cref="WatchOptions.Every"/> are both given and differ, or an option is invalid.</exception>
    public static TrainWatcher Attach(Module model, torch.optim.Optimizer optimizer, string logDirectory, int? every = null, WatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Attach(model, [optimizer], logDirectory, WithEvery(options ?? WatchOptions.Default, every));
    }

    // One source of truth for the interval: the argument when given, else the options; both given must agree.
    private static WatchOptions WithEvery(WatchOptions options, int? every)
    {
        if (every is not { } interval)
        {
            return options;
        }

        if (options.EveryIsSet && options.Every != interval)
        {
            throw new ArgumentException($"Attach was given every: {interval} and WatchOptions.Every = {options.Every}; give the sampling interval once.", nameof(every));
        }

        return options with { Every = interval };
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(Tensor? loss = null)
    {
        RaiseAttachAlerts();
        var (step, sampled) = _schedule.Advance();
        if (sampled)
        {
            if (IsWriting && !_disposed)
            {
                Sample(step, loss);
            }
        }
        else if (_updates.AwaitingUpdate)
        {
            Guard(() => _updates.MeasureUpdate(_weights));
        }

        if (_schedule.NextIsSampled && IsWriting && !_disposed)
        {
            _recorder?.Arm(step + 1);
            foreach (var extension in _extensions)
            {
                Guard(() => extension.BeforeSampledForward(step + 1, _sampleIndex));
            }
        }
    }

    /// <summary>
    /// The first error met while closing the run (the last events could not be written, say), or null. Dispose never
    /// throws, so that it cannot hide the exception that ended a training loop inside <c>using</c>; it reports the error
    /// through the logger (or standard error) and keeps it here.
    /// </summary>
    public Exception? CloseError { get; private set; }

    /// <summary>
    /// Writes what is pending and closes the run. Never throws (see <see cref="CloseError"/>). After it, every method of
    /// the watcher does nothing: <see cref="Step"/>, <see cref="LogHParams"/>, <see cref="SetProbe"/> and
    /// <see cref="SetProjectorProbe"/> return at once.
    /// </summary>
    public void Dispose()
    {
        if (ReleaseTrainingSide())
        {
            CloseWriter();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (ReleaseTrainingSide() && _writer is not null)
        {
            try
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                NoteCloseError(e);
            }
        }
    }

    private void ReleaseBlockingCollections()
    {
        if (_holdsBlockingCollections)
        {
            _holdsBlockingCollections = false;
            BlockingCollections.Release();
        }
    }

    private void CloseWriter()
    {
        try
        {
            _writer?.Dispose();
        }
        catch (Exception e)
        {
            NoteCloseError(e);
        }
    }

    private void NoteCloseError(Exception e)
    {
        CloseError ??= e;
        _advisor.Warn($"TrainWatch: closing the run failed ({e.GetType().Name}: {e.Message}); the last events may be missing. Training's own result is unaffected.");
    }

    // Everything but the writer: the last update ratio, extensions, hooks and device copies. False when already done.
    // Each part is guarded: one that fails must not keep the hooks on the user's model.
    private bool ReleaseTrainingSide()
    {
        if (_disposed)
        {
            return false;
        }

        _disposed = true;
        foreach (var release in new Action[] { WritePendingUpdate, DisposeExtensions, () => _recorder?.Dispose(), _updates.Dispose, _collector.Dispose, ReleaseBlockingCollections })
        {
            try
            {
                release();
            }
            catch (Exception e)
            {
                NoteCloseError(e);
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Sample(long step, Tensor? loss)
    {
        IReadOnlyList<Alert> alerts = [];
        SampleData? collected = null;
        Guard([MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
        {
            _recorder?.Disarm();
            var recording = _recorder?.Last is { } last && last.Step == step ? last : null;
            // The weights as they are now are the next update's start. On CPU the statistics pass over the weights also
            // measures the last update and writes the snapshot (SnapshotPass); elsewhere that is a pass of its own.
            var snapshot = _updates.BeginSnapshotPass(_weights, step);
            if (snapshot is null)
            {
                _updates.MeasureAndSnapshot(_weights, step);
            }

            SampleData sample;
            try
            {
                long updateStep = snapshot is { Measures: true } ? snapshot.FromStep : _updates.PendingStep ?? -1;
                sample = _collector.Collect(
                    step,
                    loss,
                    _recorder?.TakeRows() ?? [],
                    _recorder?.TakeInputCheck(),
                    _updates.TakePendingPart(),
                    updateStep,
                    WatchedParameters.LearningRates(_optimizers),
                    _schedule.StepsPerSecond(step),
                    snapshot);
            }
            finally
            {
                if (snapshot is not null)
                {
                    _updates.EndSnapshotPass(snapshot, _weights);
                }
            }

            collected = sample;

            _advisor.Review(sample, _parameters.Any(p => p.Parameter.requires_grad), _recorder?.TakeSilentModules() ?? []);
            alerts = _diagnostician.Examine(sample, recording);
            _alerts.AddRange(alerts);
            long totalAlerts = _alerts.Count;

            // Encoded from the host data here, on the training thread (docs/reliability.md): thousands of values on a
            // large model, so straight into the writer's encoder, without a message per value.
            _writer!.AddEncoded(step, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (values) => SampleSummaries.Encode(sample, values, _summaryTags));
            if (sample.Updates is { } updates)
            {
                _writer.AddEncoded(updates.Step, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (values) => SampleSummaries.EncodeUpdates(updates, values, _summaryTags));
            }

            if (alerts.Count > 0)
            {
                var started = _diagnostician.Started;
                _writer.AddDeferred(step, () => SampleSummaries.BuildAlerts(alerts, totalAlerts, started), 256L * alerts.Count);
            }

            ReportHookFailures(step);
        });

        _publisher.Publish(this, alerts, alerts.Count > 0 ? _diagnostician.Started : null, AlertRaised);

        long sampleIndex = _sampleIndex++;
        foreach (var extension in _extensions)
        {
            Guard([MethodImpl(MethodImplOptions.AggressiveOptimization)] () => extension.OnSample(new SampleStep(step, sampleIndex, collected)));
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
            if (_updates.TakePendingPart() is not { } pending)
            {
                return;
            }

            double[] norms;
            try
            {
                norms = HostTransfer.Copy([pending]);
            }
            finally
            {
                pending.Tensor?.Dispose();
            }

            var ratios = _parameters.Select((p, i) => (p.Name, norms[2 * i], norms[2 * i + 1])).ToList();
            var updates = new UpdateSample(updateStep, ratios);
            _writer.AddEncoded(updateStep, values => SampleSummaries.EncodeUpdates(updates, values, _summaryTags));
        });
    }

    // A forward hook catches what it throws (it runs inside the user's forward pass); the count is not hidden.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReportHookFailures(long step)
    {
        int failures = _hookFailures.Count;
        if (failures == _hookFailuresWritten)
        {
            return;
        }

        if (_hookFailuresWritten == 0 && _hookFailures.First is { } first)
        {
            _advisor.Warn($"TrainWatch: a forward hook failed ({first.GetType().Name}: {first.Message}); that module's statistics are missing from the step. The forward pass itself was not affected; the count is written as {RunTags.HookFailures}.");
        }

        _hookFailuresWritten = failures;
        _writer!.AddScalar(RunTags.HookFailures, failures, step);
    }

    private void DisposeExtensions()
    {
        foreach (var extension in _extensions)
        {
            Guard(extension.Dispose);
        }

        _extensions.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            long step = _schedule.Current;
            _advisor.SampleFailed(e, firstFailureOfThisStep: _lastFailedStep != step);
            _lastFailedStep = step;
        }
    }
}
