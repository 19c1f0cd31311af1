using System.Globalization;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Dead units and saturated sigmoid/tanh outputs, from each module's output statistics. A condition that is there
/// from the first sample (a few dead ReLUs or a saturated tanh at initialisation) is reported only when training
/// cannot proceed: it still holds after twice <see cref="AlertOptions.WarmupSamples"/> samples and the loss has not fallen
/// 10 % below its start. One that appears later, after the layer was fine, is reported at once.
/// </summary>
internal sealed class ActivationRules(AlertOptions options)
{
    // Conditions that held on the first sample and every one since: judged by whether training proceeds despite them.
    private readonly HashSet<(AlertKind, string)> _sinceStart = [];
    private int _samples;

    public void Check(SampleData sample, LossTracker loss, List<Finding> findings)
    {
        var found = new List<Finding>();
        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            if (output.Channels > 0 && output.DeadChannels / output.Channels >= options.DeadUnitFraction)
            {
                found.Add(new(AlertKind.DeadUnits, a.Name, output.DeadChannels, Invariant($"{a.Name}: {output.DeadChannels} of {output.Channels} units are zero for the whole batch (dead units)")));
            }

            if (a.SaturatedFraction is { } saturated && saturated >= options.SaturatedFraction)
            {
                found.Add(new(AlertKind.SaturatedActivation, a.Name, saturated, Invariant($"{a.Name}: {saturated:P0} of its outputs are within 1 % of the activation's limits, where its gradient all but vanishes (saturated)")));
            }
        }

        var holding = found.Select(f => (f.Kind, f.Layer)).ToHashSet();
        if (_samples == 0)
        {
            _sinceStart.UnionWith(holding);
        }

        _sinceStart.IntersectWith(holding);
        _samples++;
        bool trainingProceeds = loss.Count < 3 || loss.Smoothed < 0.9 * loss.Start;
        foreach (var finding in found)
        {
            bool fromStart = _sinceStart.Contains((finding.Kind, finding.Layer));
            if (!fromStart || (_samples > 2 * options.WarmupSamples && !trainingProceeds))
            {
                findings.Add(fromStart ? finding with { Message = Invariant($"{finding.Message}, since the start, and the loss ({loss.Smoothed:G3}) has not fallen from {loss.Start:G3}") } : finding);
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
