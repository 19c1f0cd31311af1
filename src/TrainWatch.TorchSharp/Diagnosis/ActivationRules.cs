using System.Globalization;
using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Dead units and saturated sigmoid/tanh outputs, from each module's output statistics. A layer that is all but
/// entirely dead or saturated (<see cref="SevereFraction"/>) is reported at once: training cannot go on through it.
/// A partly dead or saturated one (a few dead ReLUs or a saturated tanh at initialisation, half a deep ReLU stack's
/// last block) is reported only when training does not proceed, while the loss has not fallen 10 % below its start:
/// for a layer that was like this from its first sample (at initialisation), after twice
/// <see cref="AlertOptions.WarmupSamples"/> samples and <see cref="AlertOptions.LossPlateauSteps"/> training steps — in
/// steps, not samples: sampled every step, six samples are no time for a loss to fall (a healthy population run had 13
/// of 24 units of its last block dead at step 6, and trained well); for a layer that was clearly healthy before (below
/// half the threshold), after the samples alone: it changed, and the loss says whether training got past it.
/// </summary>
internal sealed class ActivationRules(AlertOptions options)
{
    // All but entirely: a planted dead ReLU or a saturating initialisation reach 96–100 %.
    private const double SevereFraction = 0.9;

    // Healthy before means clearly below the threshold: a layer flickering around it at initialisation (7, then 8 of
    // 16 units dead in a deep ReLU stack's last block) has not changed, and is judged as one that was like this from
    // the start.
    private const double ClearlyFine = 0.5;
    private readonly HashSet<string> _deadUnitsWereFine = new(StringComparer.Ordinal);
    private readonly HashSet<string> _saturationWasFine = new(StringComparer.Ordinal);
    private int _samples;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        _samples++;
        bool lossStays = _samples > 2 * options.WarmupSamples && loss.Count >= 3 && !(loss.Smoothed < 0.9 * loss.Start);
        bool stuckSinceStart = lossStays && loss.StepsSeen >= options.LossPlateauSteps;
        string context = lossStays ? Invariant($", and the loss ({loss.Smoothed:G3}) has not fallen from {loss.Start:G3}") : "";
        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            double dead = output.Channels > 0 ? output.DeadChannels / output.Channels : 0;
            bool deadWasFine = Note(_deadUnitsWereFine, a.Name, dead < ClearlyFine * options.DeadUnitFraction);
            if (dead >= options.DeadUnitFraction && (dead >= SevereFraction || (deadWasFine ? lossStays : stuckSinceStart)))
            {
                findings.Add(new(AlertKind.DeadUnits, a.Name, output.DeadChannels, Invariant($"{a.Name}: {output.DeadChannels} of {output.Channels} units are zero for the whole batch (dead units){(dead >= SevereFraction ? "" : context)}")));
            }

            if (a.SaturatedFraction is not { } saturated)
            {
                continue;
            }

            bool saturationWasFine = Note(_saturationWasFine, a.Name, saturated < ClearlyFine * options.SaturatedFraction);
            if (saturated >= options.SaturatedFraction && (saturated >= SevereFraction || (saturationWasFine ? lossStays : stuckSinceStart)))
            {
                findings.Add(new(AlertKind.SaturatedActivation, a.Name, saturated, Invariant($"{a.Name}: {saturated:P0} of its outputs are within 1 % of the activation's limits, where its gradient all but vanishes (saturated){(saturated >= SevereFraction ? "" : context)}")));
            }
        }
    }

    // Whether the layer was ever fine before; notes this sample.
    private static bool Note(HashSet<string> wereFine, string layer, bool fineNow)
    {
        bool before = wereFine.Contains(layer);
        if (fineNow)
        {
            wereFine.Add(layer);
        }

        return before;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
