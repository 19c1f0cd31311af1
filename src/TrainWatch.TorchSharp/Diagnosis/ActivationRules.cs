using System.Globalization;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Dead units and saturated sigmoid/tanh outputs, from each module's output statistics. A layer that is all but
/// entirely dead or saturated (<see cref="SevereFraction"/>) is reported at once: training cannot go on through it.
/// A partly dead or saturated one (a few dead ReLUs or a saturated tanh at initialisation, half a deep ReLU stack's
/// last block) is reported only when training does not proceed: after twice <see cref="AlertOptions.WarmupSamples"/>
/// samples and <see cref="AlertOptions.LossPlateauSteps"/> training steps, while the loss has not fallen 10 % below its
/// start. In steps, not samples: sampled every step, six samples are no time for a loss to fall (a healthy population
/// run had 13 of 24 units of its last block dead at step 6, and trained well).
/// </summary>
internal sealed class ActivationRules(AlertOptions options)
{
    // All but entirely: a planted dead ReLU or a saturating initialisation reach 96–100 %.
    private const double SevereFraction = 0.9;
    private int _samples;

    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        _samples++;
        bool stuck = _samples > 2 * options.WarmupSamples && loss.StepsSeen >= options.LossPlateauSteps && loss.Count >= 3 && !(loss.Smoothed < 0.9 * loss.Start);
        string context = stuck ? Invariant($", and the loss ({loss.Smoothed:G3}) has not fallen from {loss.Start:G3}") : "";
        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            double dead = output.Channels > 0 ? output.DeadChannels / output.Channels : 0;
            if (dead >= options.DeadUnitFraction && (dead >= SevereFraction || stuck))
            {
                findings.Add(new(AlertKind.DeadUnits, a.Name, output.DeadChannels, Invariant($"{a.Name}: {output.DeadChannels} of {output.Channels} units are zero for the whole batch (dead units){(dead >= SevereFraction ? "" : context)}")));
            }

            if (a.SaturatedFraction is { } saturated && saturated >= options.SaturatedFraction && (saturated >= SevereFraction || stuck))
            {
                findings.Add(new(AlertKind.SaturatedActivation, a.Name, saturated, Invariant($"{a.Name}: {saturated:P0} of its outputs are within 1 % of the activation's limits, where its gradient all but vanishes (saturated){(saturated >= SevereFraction ? "" : context)}")));
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
