using Microsoft.Extensions.Logging;
using TrainWatch.Events;
using TrainWatch.TorchSharp.Distributed;
using TrainWatch.TorchSharp.Lifecycle;

namespace TrainWatch.TorchSharp;

/// <summary>Configures a <see cref="TrainWatcher"/>. Every setting has a default that suits a first run.</summary>
/// <remarks>
/// <para>
/// <b>Turning a feature off.</b> Every optional feature is one property named after it, and its type says how to turn
/// it off: a feature with settings takes its options record (<see cref="Pictures"/>, <see cref="History"/>,
/// <see cref="Projector"/>), and null turns it off; a feature without settings is a <see cref="bool"/>
/// (<see cref="Activations"/>, <see cref="Graph"/>, <see cref="ModelSummary"/>, <see cref="CustomScalars"/>,
/// <see cref="ModelCheck"/>), and false turns it off. Every feature is on by default. The parts of a feature follow the
/// same rule inside its options (<see cref="PictureOptions.Kernels"/>, <see cref="HistoryOptions.Gradients"/>).
/// </para>
/// <para>
/// The statistics and the alerts are not features: they are what the watcher is for. <see cref="Alerts"/> tunes the
/// alert rules; <see cref="AlertsToConsole"/> and <see cref="Logger"/> only choose where alerts are printed.
/// </para>
/// <para>For example, <c>new WatchOptions { Pictures = null, Graph = false }</c> keeps everything but the pictures and the graph.</para>
/// </remarks>
public sealed record WatchOptions
{
    /// <summary>The defaults.</summary>
    public static WatchOptions Default { get; } = new();

    /// <summary>The sampling interval when none is given.</summary>
    public const int DefaultEvery = 100;

    // Null until set, so Attach can tell "left at the default" from "set to 100" when its every argument differs.
    private readonly int? _every;

    /// <summary>
    /// Sample every N-th step (step 0 included; default 100). Unsampled steps cost one integer comparison. Give it here
    /// or as <c>Attach</c>'s <c>every</c> argument; giving both with different values is an error.
    /// </summary>
    public int Every { get => _every ?? DefaultEvery; init => _every = value; }

    /// <summary>Whether <see cref="Every"/> was set rather than left at its default.</summary>
    internal bool EveryIsSet => _every.HasValue;

    /// <summary>
    /// The step of the first <see cref="TrainWatcher.Step"/> call. When training resumes from a checkpoint into the same
    /// run directory, set it to the checkpoint's step: the run's steps then continue instead of starting again at 0, which
    /// TensorBoard may answer by hiding the earlier points after that step. Sampling stays on the multiples of
    /// <see cref="Every"/>, so a resumed run samples the same steps as an uninterrupted one (and <c>trainwatch diff</c>
    /// can compare them).
    /// </summary>
    public long InitialStep { get; init; }

    /// <summary>Buckets of the weight, gradient and activation histograms (uniform over each tensor's min..max).</summary>
    public int HistogramBins { get; init; } = 64;

    /// <summary>
    /// Elements a histogram is counted from (default 16,384 = 2^14); 0 counts every element. A weight, gradient or
    /// activation with more elements has its buckets counted over an evenly strided sample of at most this many (every
    /// k-th element, k an odd prime, the same elements on every device) and scaled to the tensor's element count, so
    /// the histogram still adds up to it; mean, std, norm, min, max, zero fraction and NaN/∞ counts stay exact over
    /// every element. Counting buckets costs several times a sum per element, so this keeps big models' sample steps
    /// cheap. A bucket's share is then off by about √(p(1 − p)/n) for share p and n counted elements (≤ 0.4 % at the
    /// default, 0.7 % at its smallest sample) unless the values repeat a pattern with the stride's period; docs/design.md has the bound.
    /// </summary>
    public int HistogramSampleLimit { get; init; } = Statistics.HistogramSampling.DefaultLimit;

    /// <summary>
    /// Elements of a weight its update ratio (‖Δw‖/‖w‖ over one optimizer step) is measured on (default 16,384 = 2^14);
    /// 0 measures every element. A larger weight is read in part only — short runs of consecutive elements (up to 16)
    /// k runs' length apart where its rows are long enough, else every k-th element — so the snapshot the ratio needs
    /// holds about this many values per weight instead of a copy of the model, and a sample step writes and reads that
    /// much instead of the whole model twice. k leaves no row and no column of the weight (dimension 0 by the rest)
    /// unread, so an update confined to a few rows or columns (an embedding under SGD, a sparse input) is still seen;
    /// a weight of many short rows (an embedding) is therefore read at one element per row or more. The ratio is off
    /// by about √(2/n) relative for n elements read (1.1 % at the default, 1.9 % at its smallest sample of a third of
    /// it).
    /// </summary>
    public int UpdateRatioSampleLimit { get; init; } = Statistics.UpdateSampling.DefaultLimit;

    /// <summary>
    /// Activation statistics: record module outputs through forward hooks on sampled steps (distributions, dead units,
    /// saturation). False turns them off.
    /// </summary>
    public bool Activations { get; init; } = true;

    /// <summary>
    /// Batch entries an activation's distribution (mean, std, min, max, zero fraction, histogram) is computed from; 0
    /// for the whole batch. A few samples describe the distribution well and keep sampled steps cheap; dead filters
    /// (channels zero for the whole batch) always use the whole batch.
    /// </summary>
    public int ActivationSampleLimit { get; init; } = 4;

    /// <summary>Which parameters to watch, by name (<c>features.0.weight</c>); all when null.</summary>
    public Func<string, bool>? ParameterFilter { get; init; }

    /// <summary>Which modules' outputs to watch, by path (<c>features.2</c>); all leaf modules when null.</summary>
    public Func<string, bool>? ModuleFilter { get; init; }

    /// <summary>Alert thresholds.</summary>
    public AlertOptions Alerts { get; init; } = new();

    /// <summary>
    /// Throw <see cref="TrainingDivergedException"/> from <see cref="TrainWatcher.Step"/> when NaN or ±∞ first appears.
    /// Off by default: a monitor reports, the user decides.
    /// </summary>
    public bool StopOnNaN { get; init; }

    /// <summary>Write alerts to standard error (once per kind and layer).</summary>
    public bool AlertsToConsole { get; init; } = true;

    /// <summary>Which processes of a torchrun-style job write.</summary>
    public RankPolicy Ranks { get; init; } = RankPolicy.RankZeroOnly;

    /// <summary>This process's rank; read from RANK and WORLD_SIZE when null.</summary>
    public ProcessRank? Rank { get; init; }

    /// <summary>Where alerts and problems of the watcher itself are logged.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Options of the underlying event writer (flush interval, queue, error policy).</summary>
    public EventWriterOptions Writer { get; init; } = EventWriterOptions.Default;

    /// <summary>
    /// The Graphs tab: the module tree, written once; edges follow the order in which the first sampled forward pass
    /// called the modules. False turns it off.
    /// </summary>
    public bool Graph { get; init; } = true;

    /// <summary>
    /// The model summary: a table of every module the first sampled forward pass ran — path, type, output shapes,
    /// parameter count, trainable or frozen — with totals, written once as the text <c>model/summary</c> (shown by
    /// <c>trainwatch inspect</c>). False turns it off.
    /// </summary>
    public bool ModelSummary { get; init; } = true;

    /// <summary>
    /// The Custom Scalars tab: a layout that overlays every layer's gradient norm, weight norm and update ratio. False
    /// turns it off.
    /// </summary>
    public bool CustomScalars { get; init; } = true;

    /// <summary>The embedding projector (penultimate features of a probe batch); null turns it off.</summary>
    public ProjectorOptions? Projector { get; init; } = new();

    /// <summary>Hyper-parameters for the HParams tab, logged at attach (as <see cref="TrainWatcher.LogHParams"/> would); none when null.</summary>
    public IReadOnlyDictionary<string, object>? HParams { get; init; }

    /// <summary>Pictures of the network (kernels, weight heat maps, activation maps, saliency, Grad-CAM); null turns them off.</summary>
    public PictureOptions? Pictures { get; init; } = new();

    /// <summary>
    /// Pictures of every module output's and gradient's distribution over all sampled steps so far, on fixed buckets
    /// (<c>activation_history/…</c>, <c>gradient_history/…</c>); null turns them off.
    /// </summary>
    public HistoryOptions? History { get; init; } = new();

    /// <summary>
    /// The model check: every parameter and buffer once at attach, before the first step — NaN or ±∞, denormals,
    /// magnitudes no initialiser produces, one value everywhere, an all-zero weight feeding a ReLU (uninitialised
    /// memory, a bad checkpoint). Findings are alerts at the first step. Costs about one sample step's weight
    /// statistics. False turns it off.
    /// </summary>
    public bool ModelCheck { get; init; } = true;

    /// <summary>
    /// Keep garbage collections blocking while attached (<see cref="System.Runtime.GCLatencyMode.Batch"/>; Attach first
    /// waits out a background collection already running, and the mode found is restored when the last watcher is
    /// disposed). On by default: TorchSharp 0.107 passes libtorch temporary
    /// <c>Scalar</c>s that a background collection can free in the middle of the call, which kills training inside
    /// <c>optimizer.step()</c> (docs/reliability.md, "Never crash the training it watches"). Turn it off only if your
    /// process needs background collections and does not use TorchSharp's implicit scalars.
    /// </summary>
    public bool BlockingGarbageCollections { get; init; } = true;

    /// <summary>
    /// Whether CPU tensors are reduced by the host kernels (in place, multi-threaded) rather than by libtorch ops as on
    /// a GPU. Only tests and benchmarks turn it off, to compare the two paths.
    /// </summary>
    internal bool HostKernels { get; init; } = true;

    /// <summary>Test seam: called inside the forward hook after each module call, with the module's path.</summary>
    internal Action<string>? InsideForwardHook { get; init; }

    /// <summary>Test seam: called at each stage of <c>Attach</c>, so a test can make any stage fail.</summary>
    internal Action<AttachStage>? AttachStageReached { get; init; }

    internal void Validate()
    {
        if (Every < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Every), Every, "Sample at least every step: Every must be 1 or more.");
        }

        if (ActivationSampleLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ActivationSampleLimit), ActivationSampleLimit, "ActivationSampleLimit must be 0 (whole batch) or more.");
        }

        if (InitialStep < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialStep), InitialStep, "InitialStep must be 0 or more.");
        }

        if (UpdateRatioSampleLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(UpdateRatioSampleLimit), UpdateRatioSampleLimit, "UpdateRatioSampleLimit must be 0 (measure every element) or more.");
        }

        if (HistogramSampleLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HistogramSampleLimit), HistogramSampleLimit, "HistogramSampleLimit must be 0 (count every element) or more.");
        }

        if (HistogramBins is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(HistogramBins), HistogramBins, "HistogramBins must be between 1 and 10,000.");
        }

        // The nested options too, before Attach opens a file or hooks a module: a bad value must leave nothing behind.
        ArgumentNullException.ThrowIfNull(Alerts, nameof(Alerts));
        ArgumentNullException.ThrowIfNull(Writer, nameof(Writer));
        Projector?.Validate();
        Pictures?.Validate();
        History?.Validate();
        if (HParams is { } hparams)
        {
            Features.HParams.HParamsSession.Validate(hparams);
        }
    }
}
