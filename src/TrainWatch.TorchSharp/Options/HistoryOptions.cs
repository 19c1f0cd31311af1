using TrainWatch.Distributions;

namespace TrainWatch.TorchSharp;

/// <summary>
/// Configures the distribution histories (<see cref="WatchOptions.History"/>): one picture per watched module output
/// (<c>activation_history/…</c>) and per gradient (<c>gradient_history/…</c>) showing its distribution over every sampled
/// step so far, on fixed buckets so that steps can be compared (fastai's "colorful dimension").
/// </summary>
/// <remarks>
/// The histories are made from the histograms every sample step already computes: their uniform buckets are spread onto
/// the fixed ones from the host statistics, so the device does no extra work (the rebinning is a small host loop per
/// layer, inside <c>Step</c> on the training thread, where the watcher builds its summaries: docs/reliability.md).
/// The pictures are written on the first sample step at or after each multiple of <see cref="EverySteps"/> (training
/// steps, like the other pictures', so a fine statistics interval does not redraw them more often), and at the last
/// sample step of the run; not on the first sample step, where a history is one column (what that step's histogram
/// shows) and a picture per layer was most of that step's cost on a model of many layers.
/// </remarks>
public sealed record HistoryOptions
{
    /// <summary>Training steps between two history pictures (see the remarks); 1 draws them on every sample step.</summary>
    public int EverySteps { get; init; } = 1000;

    /// <summary>
    /// The most columns a picture keeps (even). When a history is full, neighbouring columns are merged in pairs and
    /// each column covers twice as many sampled steps from then on: memory stays at MaxColumns × buckets per tensor.
    /// </summary>
    public int MaxColumns { get; init; } = 100;

    /// <summary>The fixed buckets of module outputs: zero bucket |x| &lt; 1e-3, 4 buckets per decade up to 1e3, then overflow.</summary>
    public SymLogBuckets ActivationBuckets { get; init; } = new(threshold: 1e-3, limit: 1e3, bucketsPerDecade: 4);

    /// <summary>The fixed buckets of gradients: zero bucket |g| &lt; 1e-8, 4 buckets per decade up to 1e2, then overflow.</summary>
    public SymLogBuckets GradientBuckets { get; init; } = new(threshold: 1e-8, limit: 1e2, bucketsPerDecade: 4);

    /// <summary>Write <c>activation_history/…</c> pictures.</summary>
    public bool Activations { get; init; } = true;

    /// <summary>Write <c>gradient_history/…</c> pictures.</summary>
    public bool Gradients { get; init; } = true;

    internal void Validate()
    {
        if (EverySteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EverySteps), EverySteps, "HistoryOptions.EverySteps must be 1 or more.");
        }

        if (MaxColumns < 2 || MaxColumns % 2 != 0 || MaxColumns > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxColumns), MaxColumns, "HistoryOptions.MaxColumns must be even, between 2 and 4096 (columns are merged in pairs).");
        }

        ArgumentNullException.ThrowIfNull(ActivationBuckets, nameof(ActivationBuckets));
        ArgumentNullException.ThrowIfNull(GradientBuckets, nameof(GradientBuckets));
    }
}
