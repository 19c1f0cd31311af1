using System.Globalization;
using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// The run as a whole: the loss (not decreasing, diverging, oscillating), weights that do not move although they
/// have gradients, and learning-rate jumps.
/// </summary>
internal sealed class TrainingRules(AlertOptions options)
{
    private Dictionary<string, double> _lastRates = new(StringComparer.Ordinal);
    private Dictionary<string, double> _rates = new(StringComparer.Ordinal);
    private bool _lossRising;
    private long? _bouncingSince; // the first step of the window where the loss began bouncing, while it goes on
    private readonly Dictionary<string, SeriesHistory> _updates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double Ratio, double Gradient)> _lastMove = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unchangedBefore = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorStats> _gradients = new(StringComparer.Ordinal); // this sample's, by name

    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        CheckLoss(loss, findings);
        CheckUnchangedWeights(sample, findings);
        CheckLearningRates(sample, findings);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckLoss(LossTracker loss, List<Finding> findings)
    {
        if (double.IsNaN(loss.Start))
        {
            return;
        }

        // A rise is divergence when it is large against the run (twice the lowest, half way back to the start) and
        // against the loss's own noise where it was lowest, and when it lasts two samples: one noisy window is not.
        // Judged on the loss's level, the third lowest of the last nine: a converged model's hard batches lift a
        // median for a few samples at a time, a diverging run lifts nearly all of its batches.
        double rise = loss.Level - loss.LowestLevel;
        bool rising = loss.Level > 2 * loss.LowestLevel && rise > options.LossDivergingFraction * Math.Max(loss.Start - loss.LowestLevel, 0) && rise > 0
            && rise > options.LossNoiseFactor * loss.NoiseAtLowestLevel;
        if (rising && _lossRising)
        {
            findings.Add(new(AlertKind.LossDiverging, "loss", loss.Level, Invariant(
                $"the loss rose to {loss.Level:G3} (7 of the last 9 samples at or above it) from its lowest {loss.LowestLevel:G3}{(loss.NoiseAtLowestLevel > 0 ? Invariant($", {rise / loss.NoiseAtLowestLevel:G2} times its noise there ({loss.NoiseAtLowestLevel:G2})") : "")}; it started at {loss.Start:G3}")));
        }

        _lossRising = rising;

        // Samples and steps: sampling every step, 50 samples are 50 steps, too few to call anything a plateau.
        if (loss.Count >= options.LossPlateauSamples && loss.StepsSeen >= options.LossPlateauSteps && loss.Lowest >= 0.95 * loss.Start)
        {
            findings.Add(new(AlertKind.LossNotDecreasing, "loss", loss.Smoothed, Invariant($"after {loss.Count} samples ({loss.StepsSeen} steps) the loss ({loss.Smoothed:G4}) has not gone 5 % below where it started ({loss.Start:G4})")));
        }

        // Mini-batch noise changes direction half the time too; a bouncing loss alternates on every sample, by a
        // factor each time, and by about the size of the problem, between two levels (every high above every low), and
        // goes on doing it for OscillationSteps training steps at least. Noise alternates over 16 samples in about
        // 0.2 % of windows, between two levels in about 1 in 6,000: sampled every step, a run meets that by chance
        // within a few thousand steps, but not for a hundred steps in a row.
        var last = loss.OscillationWindow;
        bool bouncing = last.Count == LossTracker.OscillationSamples && Alternates(last, OscillationRatio) && TwoLevels(last);
        _bouncingSince = bouncing ? _bouncingSince ?? loss.OscillationWindowStart : null;
        if (bouncing && loss.LastStep - _bouncingSince >= OscillationSteps)
        {
            double swing = last.Max() - last.Min();
            if (swing > options.OscillationAmplitude * loss.Start)
            {
                findings.Add(new(AlertKind.OscillatingLoss, "loss", swing, Invariant($"the loss has gone up and down on every sample since step {_bouncingSince}, by {OscillationRatio}× or more each time, between two levels, swinging by {swing:G4} over the last {last.Count} samples (it started at {loss.Start:G4})")));
            }
        }
    }

    // Only gradients that matter (≥ SignificantFraction of the global norm): a conv bias before batch norm gets ~1e-8,
    // and lr × 1e-8 is below float32's resolution of the weight, so a healthy optimizer step leaves it exactly as is.
    // And only for a parameter the optimizer was moving visibly: its median update over its own earlier updates, and
    // its last one, at least VisibleUpdate of its norm, with a gradient now not far below the one it had then. A
    // norm layer's gain of 1 under SGD, or any weight of a loss that is all but solved, has a gradient that shrank
    // until the step rounds away in float32, rightly; a frozen weight stops at once, its gradient as it was. The
    // first update of a run has no history to judge it by.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckUnchangedWeights(SampleData sample, List<Finding> findings)
    {
        if (sample.Updates is not { } updates)
        {
            return;
        }

        double global = sample.GlobalGradientNorm;
        if (!(global > 0))
        {
            return;
        }

        var gradients = _gradients;
        gradients.Clear();
        foreach (var p in sample.Parameters)
        {
            if (p.Gradient is { HasNonFinite: false } gradient)
            {
                gradients[p.Name] = gradient;
            }
        }

        double significant = options.SignificantFraction * global;
        foreach (var (name, updateNorm, weightNorm) in updates.Ratios)
        {
            if (!_updates.TryGetValue(name, out var moved))
            {
                moved = new SeriesHistory(options.HistoryWindow);
                _updates[name] = moved;
            }

            double ratio = weightNorm > 0 ? updateNorm / weightNorm : double.NaN;
            var gradient = gradients.GetValueOrDefault(name);
            bool wasMoving = gradient is not null && moved.Count >= 2 && moved.Median >= VisibleUpdate
                && _lastMove.TryGetValue(name, out var last) && last.Ratio >= VisibleUpdate && gradient.Norm >= GradientKept * last.Gradient;
            bool unchanged = updateNorm == 0 && weightNorm > 0 && wasMoving && gradient!.Norm >= significant;
            // A parameter of a few values (a classifier's bias of two classes, whose two gradients are each other's
            // negative) can round away whole on one step by chance, when Adam's momentum crosses zero: it must stay
            // unchanged on two samples in a row.
            if (unchanged && (gradient!.Numel >= FewValues || _unchangedBefore.Contains(name)))
            {
                findings.Add(new(AlertKind.UnchangedWeights, name, gradient.Norm, Invariant(
                    $"{name} has gradients (norm {gradient.Norm:G3}) but its weights did not change over the optimizer step after step {updates.Step}, where earlier steps moved them by {moved.Median:G2} of their norm: frozen by mistake, not in the optimizer, or a learning rate of 0?")));
            }

            if (unchanged)
            {
                _unchangedBefore.Add(name);
            }
            else
            {
                _unchangedBefore.Remove(name);
            }

            if (ratio > 0 && double.IsFinite(ratio))
            {
                moved.Add(ratio);
                _lastMove[name] = (ratio, gradient?.Norm ?? double.PositiveInfinity);
            }
        }
    }

    private const double OscillationRatio = 1.5;

    // Training steps a loss must go on bouncing between two levels to be oscillating.
    private const long OscillationSteps = 100;

    // A relative update below this is mostly lost to float32 rounding (its resolution is 6e-8 of a value).
    private const double VisibleUpdate = 1e-6;

    // A gradient at least this fraction of the one that last moved the weights visibly still moves them visibly:
    // an update of 1e-6 of the norm scaled by it stays above float32's resolution.
    private const double GradientKept = 0.1;

    // Parameters with fewer values than this must be unchanged on two samples in a row.
    private const double FewValues = 128;

    // Whether the samples going up (every other one, alternating) all lie above the samples going down.
    private static bool TwoLevels(IReadOnlyList<double> values)
    {
        int high = values[1] > values[0] ? 1 : 0;
        double lowestHigh = double.PositiveInfinity, highestLow = double.NegativeInfinity;
        for (int i = 0; i < values.Count; i++)
        {
            if (i % 2 == high)
            {
                lowestHigh = Math.Min(lowestHigh, values[i]);
            }
            else
            {
                highestLow = Math.Max(highestLow, values[i]);
            }
        }

        return lowestHigh > highestLow;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Alternates(IReadOnlyList<double> values, double ratio)
    {
        for (int i = 1; i < values.Count; i++)
        {
            double change = values[i] / Math.Max(values[i - 1], double.Epsilon);
            bool up = change >= ratio, down = change <= 1 / ratio;
            bool wasUp = i > 1 && values[i - 1] > values[i - 2];
            if (!(up || down) || (i > 1 && up == wasUp))
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckLearningRates(SampleData sample, List<Finding> findings)
    {
        var rates = _rates;
        rates.Clear();
        foreach (var (name, value) in sample.LearningRates)
        {
            rates.Add(name, value);
        }

        foreach (var (name, rate) in rates)
        {
            if (_lastRates.TryGetValue(name, out double before) && before > 0 && rate >= options.LearningRateJumpFactor * before)
            {
                string group = name.Length == 0 ? "the learning rate" : $"the learning rate of {name}";
                findings.Add(new(AlertKind.LearningRateJump, name.Length == 0 ? "lr" : $"lr/{name}", rate, Invariant($"{group} rose {rate / before:G3}× to {rate:G4} since the last sample (was {before:G4})")));
            }
        }

        // The two dictionaries trade places: this sample's rates are the next one's last.
        (_lastRates, _rates) = (rates, _lastRates);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
