using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// The loss at sample steps, judged through robust smoothers: the median of the last five samples (where the loss is),
/// a low quantile of the last nine (its level, for judging a rise), and the noise of the raw losses (a robust standard
/// deviation from the median absolute change between the last nine). A mini-batch loss is noisy, and the lowest of a
/// noisy series is lower than where the loss really got: rules compare rises with the noise measured where the loss
/// was lowest, so minibatch noise on a task that levels off is not divergence.
/// </summary>
internal sealed class LossTracker(int window)
{
    private const int SmoothingSamples = 5;
    private const int NoiseSamples = 9;
    private const int LevelSamples = 9;

    /// <summary>
    /// How many sampled losses an oscillation must alternate over. Minibatch noise zigzags by chance: 8 samples in a
    /// row do so about 7 % of the time (2·E₈/8!), often somewhere in a run of hundreds of samples; 16 about 0.2 %,
    /// each also by 1.5× or more. An optimizer bouncing across a valley keeps doing it.
    /// </summary>
    public const int OscillationSamples = 16;

    // Median absolute deviation × 1.4826 estimates a normal distribution's standard deviation, ignoring outliers.
    private const double MadToSigma = 1.4826;

    // The last OscillationSamples finite losses, oldest first; the smoother and the noise read their tails.
    private readonly List<double> _recent = [];
    private readonly Queue<long> _recentSteps = new(); // the steps of _recent's losses
    private readonly SeriesHistory _smoothedHistory = new(window);

    /// <summary>Median of the first three finite losses; NaN before them.</summary>
    public double Start { get; private set; } = double.NaN;

    /// <summary>Median of the last five finite losses; NaN before any.</summary>
    public double Smoothed { get; private set; } = double.NaN;

    /// <summary>The lowest <see cref="Smoothed"/> so far, over five samples at least (+∞ before).</summary>
    public double Lowest { get; private set; } = double.PositiveInfinity;

    /// <summary>
    /// The loss's level for judging a rise: the third lowest of the last nine losses, which seven of them are at or
    /// above (NaN before any). A converged classifier's mini-batch losses are heavy-tailed — most batches near 0.02,
    /// one in four or five anywhere up to 0.9 — so even a median of nine lands on hard batches now and then over a
    /// long run; a diverging run lifts nearly all of its batches.
    /// </summary>
    public double Level { get; private set; } = double.NaN;

    /// <summary>The lowest <see cref="Level"/> so far, once nine losses were seen (+∞ before).</summary>
    public double LowestLevel { get; private set; } = double.PositiveInfinity;

    /// <summary>The raw losses' noise when <see cref="LowestLevel"/> was reached.</summary>
    public double NoiseAtLowestLevel { get; private set; }

    /// <summary>The raw losses' noise now (a robust standard deviation over the last nine).</summary>
    public double Noise { get; private set; }

    /// <summary>Finite losses seen.</summary>
    public int Count { get; private set; }

    /// <summary>The last <see cref="OscillationSamples"/> sampled losses (fewer at the start), oldest first.</summary>
    public IReadOnlyList<double> OscillationWindow => _recent;

    /// <summary>The training step of the oldest loss in <see cref="OscillationWindow"/> (0 before any).</summary>
    public long OscillationWindowStart => _recentSteps.Count > 0 ? _recentSteps.Peek() : 0;

    /// <summary>The training step of the latest finite loss (0 before any).</summary>
    public long LastStep => _lastStep;

    /// <summary>How many times the loss fell over the recent window (its median then over now; 1 when unknown).</summary>
    public double RecentFall => _smoothedHistory.Count == 0 || !(Smoothed > 0) ? 1 : Math.Max(1, _smoothedHistory.Median / Smoothed);

    /// <summary>How many times the loss fell since the start (1 when unknown).</summary>
    public double FallSinceStart => double.IsNaN(Start) || !(Smoothed > 0) ? 1 : Math.Max(1, Start / Smoothed);

    /// <summary>
    /// Whether the loss is solved: a thousandth of where it started, or within float noise of zero. Gradients are about
    /// zero then because nothing is left to learn, not because they vanished or the weights froze.
    /// </summary>
    public bool Solved => Count >= 3 && (Smoothed <= 1e-3 * Math.Abs(Start) || Math.Abs(Smoothed) < 1e-6);

    /// <summary>Training steps from the first finite loss to the latest.</summary>
    public long StepsSeen => _firstStep is { } first ? _lastStep - first : 0;

    private long? _firstStep;
    private long _lastStep;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(double? loss, long step)
    {
        if (loss is not { } value || !double.IsFinite(value))
        {
            return;
        }

        _firstStep ??= step;
        _lastStep = step;
        Count++;
        _recent.Add(value);
        _recentSteps.Enqueue(step);
        if (_recent.Count > OscillationSamples)
        {
            _recent.RemoveAt(0);
            _recentSteps.Dequeue();
        }

        Span<double> scratch = stackalloc double[NoiseSamples];
        if (Count == 3)
        {
            Start = Median(Last(3, scratch));
        }

        Smoothed = Median(Last(SmoothingSamples, scratch));
        // Noise from successive differences: a loss that is still falling has a trend, not noise, and its spread
        // around one median would mistake the descent for noise. A difference of two draws has √2 times their spread.
        Noise = _recent.Count < 3 ? 0 : MadToSigma / Math.Sqrt(2) * Median(Changes(scratch));
        // Only once the smoother is full: the median of the first one or two losses is one noisy batch, not a level.
        if (_recent.Count >= SmoothingSamples && Smoothed < Lowest)
        {
            Lowest = Smoothed;
        }

        Level = ThirdLowest(Last(LevelSamples, scratch));
        if (_recent.Count >= LevelSamples && Level < LowestLevel)
        {
            LowestLevel = Level;
            NoiseAtLowestLevel = Noise;
        }

        _smoothedHistory.Add(Smoothed);
    }

    // The last n losses (all of them when fewer), in scratch.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<double> Last(int n, Span<double> scratch)
    {
        int from = Math.Max(0, _recent.Count - n);
        var last = scratch[..(_recent.Count - from)];
        for (int i = from; i < _recent.Count; i++)
        {
            last[i - from] = _recent[i];
        }

        return last;
    }

    // |change| between successive losses of the last NoiseSamples, in scratch.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<double> Changes(Span<double> scratch)
    {
        int from = Math.Max(0, _recent.Count - NoiseSamples);
        var changes = scratch[..(_recent.Count - from - 1)];
        for (int i = from + 1; i < _recent.Count; i++)
        {
            changes[i - from - 1] = Math.Abs(_recent[i] - _recent[i - 1]);
        }

        return changes;
    }

    // The third lowest value (the lowest of fewer values), sorted in place.
    private static double ThirdLowest(Span<double> values)
    {
        Sort(values);
        return values[Math.Min(2, values.Length - 1)];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Median(Span<double> values)
    {
        Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    // A stable insertion sort (at most nine values), so equal values keep their order as a stable LINQ ordering keeps
    // it: the medians do not depend on the sort.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sort(Span<double> values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            double value = values[i];
            int j = i - 1;
            for (; j >= 0 && values[j].CompareTo(value) > 0; j--)
            {
                values[j + 1] = values[j];
            }

            values[j + 1] = value;
        }
    }
}
