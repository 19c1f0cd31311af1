using System.Globalization;
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
    private readonly Dictionary<string, SeriesHistory> _updates = new(StringComparer.Ordinal);

    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        CheckLoss(loss, findings);
        CheckUnchangedWeights(sample, loss, findings);
        CheckLearningRates(sample, findings);
    }

    private void CheckLoss(LossTracker loss, List<Finding> findings)
    {
        if (double.IsNaN(loss.Start))
        {
            return;
        }

        // A rise is divergence when it is large against the run (twice the lowest, half way back to the start) and
        // against the loss's own noise where it was lowest, and when it lasts two samples: one noisy window is not.
        double rise = loss.Smoothed - loss.Lowest;
        bool rising = loss.Smoothed > 2 * loss.Lowest && rise > options.LossDivergingFraction * Math.Max(loss.Start - loss.Lowest, 0) && rise > 0
            && rise > options.LossNoiseFactor * loss.NoiseAtLowest;
        if (rising && _lossRising)
        {
            findings.Add(new(AlertKind.LossDiverging, "loss", loss.Smoothed, Invariant(
                $"the loss rose to {loss.Smoothed:G3} (median of the last 5 samples) from its lowest {loss.Lowest:G3}{(loss.NoiseAtLowest > 0 ? Invariant($", {rise / loss.NoiseAtLowest:G2} times its noise there ({loss.NoiseAtLowest:G2})") : "")}; it started at {loss.Start:G3}")));
        }

        _lossRising = rising;

        // Samples and steps: sampling every step, 50 samples are 50 steps, too few to call anything a plateau.
        if (loss.Count >= options.LossPlateauSamples && loss.StepsSeen >= options.LossPlateauSteps && loss.Lowest >= 0.95 * loss.Start)
        {
            findings.Add(new(AlertKind.LossNotDecreasing, "loss", loss.Smoothed, Invariant($"after {loss.Count} samples ({loss.StepsSeen} steps) the loss ({loss.Smoothed:G4}) has not gone 5 % below where it started ({loss.Start:G4})")));
        }

        // Mini-batch noise changes direction half the time too; a bouncing loss alternates on every sample, by a
        // factor each time, and by about the size of the problem.
        var last = loss.OscillationWindow;
        if (last.Count == LossTracker.OscillationSamples && Alternates(last, OscillationRatio))
        {
            double swing = last.Max() - last.Min();
            if (swing > options.OscillationAmplitude * loss.Start)
            {
                findings.Add(new(AlertKind.OscillatingLoss, "loss", swing, Invariant($"the loss went up and down on each of the last {last.Count} samples, by {OscillationRatio}× or more each time, swinging by {swing:G4} (it started at {loss.Start:G4})")));
            }
        }
    }

    // Only gradients that matter (≥ SignificantFraction of the global norm): a conv bias before batch norm gets ~1e-8,
    // and lr × 1e-8 is below float32's resolution of the weight, so a healthy optimizer step leaves it exactly as is.
    // And only for a parameter the optimizer used to move visibly (its median update over its own earlier updates at
    // least VisibleUpdate of its norm): a norm layer's gain of 1 with a tiny gradient under SGD is left exactly as it
    // was by float32 rounding, rightly, and the first update of a run has no history to judge it by. A solved loss
    // leaves nothing to learn: its parameters are not frozen.
    private void CheckUnchangedWeights(SampleData sample, LossTracker loss, List<Finding> findings)
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

        double significant = options.SignificantFraction * global;
        foreach (var (name, updateNorm, weightNorm) in updates.Ratios)
        {
            if (!_updates.TryGetValue(name, out var moved))
            {
                moved = new SeriesHistory(options.HistoryWindow);
                _updates[name] = moved;
            }

            double ratio = weightNorm > 0 ? updateNorm / weightNorm : double.NaN;
            bool usedToMove = moved.Count >= 2 && moved.Median >= VisibleUpdate;
            if (updateNorm == 0 && weightNorm > 0 && usedToMove && !loss.Solved
                && GradientOf(sample, name) is { HasNonFinite: false } gradient && gradient.Norm >= significant)
            {
                findings.Add(new(AlertKind.UnchangedWeights, name, gradient.Norm, Invariant(
                    $"{name} has gradients (norm {gradient.Norm:G3}) but its weights did not change over the optimizer step after step {updates.Step}, where earlier steps moved them by {moved.Median:G2} of their norm: frozen by mistake, not in the optimizer, or a learning rate of 0?")));
            }

            if (ratio > 0 && double.IsFinite(ratio))
            {
                moved.Add(ratio);
            }
        }
    }

    // Looked up only when an update was exactly 0: a dictionary of every parameter per sample would be built for nothing.
    private static TensorStats? GradientOf(SampleData sample, string name)
    {
        foreach (var p in sample.Parameters)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p.Gradient;
            }
        }

        return null;
    }

    private const double OscillationRatio = 1.5;

    // A relative update below this is mostly lost to float32 rounding (its resolution is 6e-8 of a value).
    private const double VisibleUpdate = 1e-6;

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
