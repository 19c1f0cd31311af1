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

    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        CheckLoss(loss, findings);
        CheckUnchangedWeights(sample, findings);
        CheckLearningRates(sample, findings);
    }

    private void CheckLoss(LossTracker loss, List<Finding> findings)
    {
        if (double.IsNaN(loss.Start))
        {
            return;
        }

        double rise = loss.Smoothed - loss.Lowest;
        if (loss.Smoothed > 2 * loss.Lowest && rise > options.LossDivergingFraction * Math.Max(loss.Start - loss.Lowest, 0) && rise > 0)
        {
            findings.Add(new(AlertKind.LossDiverging, "loss", loss.Smoothed, Invariant($"the loss rose to {loss.Smoothed:G4} from its lowest {loss.Lowest:G4} (it started at {loss.Start:G4})")));
        }

        if (loss.Count >= options.LossPlateauSamples && loss.Lowest >= 0.95 * loss.Start)
        {
            findings.Add(new(AlertKind.LossNotDecreasing, "loss", loss.Smoothed, Invariant($"after {loss.Count} samples the loss ({loss.Smoothed:G4}) has not gone 5 % below where it started ({loss.Start:G4})")));
        }

        // Mini-batch noise changes direction half the time too; a bouncing loss alternates on every sample, by a
        // factor each time, and by about the size of the problem.
        var last = loss.Last8;
        if (last.Count == 8 && Alternates(last, OscillationRatio))
        {
            double swing = last.Max() - last.Min();
            if (swing > options.OscillationAmplitude * loss.Start)
            {
                findings.Add(new(AlertKind.OscillatingLoss, "loss", swing, Invariant($"the loss went up and down on each of the last 8 samples, by {OscillationRatio}× or more each time, swinging by {swing:G4} (it started at {loss.Start:G4})")));
            }
        }
    }

    // Only gradients that matter (≥ SignificantFraction of the global norm): a conv bias before batch norm gets ~1e-8,
    // and lr × 1e-8 is below float32's resolution of the weight, so a healthy optimizer step leaves it exactly as is.
    private void CheckUnchangedWeights(SampleData sample, List<Finding> findings)
    {
        if (sample.Updates is not { } updates || !(sample.GlobalGradientNorm > 0))
        {
            return;
        }

        double significant = options.SignificantFraction * sample.GlobalGradientNorm;
        var gradients = sample.Parameters.ToDictionary(p => p.Name, p => p.Gradient, StringComparer.Ordinal);
        foreach (var (name, updateNorm, weightNorm) in updates.Ratios)
        {
            if (updateNorm == 0 && weightNorm > 0 && gradients.GetValueOrDefault(name) is { HasNonFinite: false } gradient && gradient.Norm >= significant)
            {
                findings.Add(new(AlertKind.UnchangedWeights, name, gradient.Norm, Invariant(
                    $"{name} has gradients (norm {gradient.Norm:G3}) but its weights did not change over the optimizer step after step {updates.Step}: frozen by mistake, not in the optimizer, or a learning rate of 0?")));
            }
        }
    }

    private const double OscillationRatio = 1.5;

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
        var rates = sample.LearningRates.ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal);
        foreach (var (name, rate) in rates)
        {
            if (_lastRates.TryGetValue(name, out double before) && before > 0 && rate >= options.LearningRateJumpFactor * before)
            {
                string group = name.Length == 0 ? "the learning rate" : $"the learning rate of {name}";
                findings.Add(new(AlertKind.LearningRateJump, name.Length == 0 ? "lr" : $"lr/{name}", rate, Invariant($"{group} rose {rate / before:G3}× to {rate:G4} since the last sample (was {before:G4})")));
            }
        }

        _lastRates = rates;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
