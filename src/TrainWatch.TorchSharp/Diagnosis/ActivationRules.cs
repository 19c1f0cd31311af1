using System.Globalization;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>Dead units and saturated sigmoid/tanh outputs, from each module's output statistics.</summary>
internal sealed class ActivationRules(AlertOptions options)
{
    public void Check(SampleData sample, List<Finding> findings)
    {
        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            if (output.Channels > 0 && output.DeadChannels / output.Channels >= options.DeadUnitFraction)
            {
                findings.Add(new(AlertKind.DeadUnits, a.Name, output.DeadChannels, Invariant($"{a.Name}: {output.DeadChannels} of {output.Channels} units are zero for the whole batch (dead units)")));
            }

            if (a.SaturatedFraction is { } saturated && saturated >= options.SaturatedFraction)
            {
                findings.Add(new(AlertKind.SaturatedActivation, a.Name, saturated, Invariant($"{a.Name}: {saturated:P0} of its outputs are within 1 % of the activation's limits, where its gradient all but vanishes (saturated)")));
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
