using System.Globalization;
using TrainWatch.TorchSharp.Recording;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Applies the alert rules to each sample's host-side statistics. An alert is raised when a condition starts — not
/// again at every sample while it lasts — so TensorBoard and the console show onsets, not noise.
/// </summary>
internal sealed class Diagnostician(AlertOptions options)
{
    private readonly Dictionary<string, RecentHistory> _gradientHistory = new(StringComparer.Ordinal);
    private readonly HashSet<(AlertKind, string)> _active = [];
    private bool _nonFiniteReported;

    /// <summary>The alerts that start on <paramref name="sample"/>; <paramref name="order"/> is how its forward pass ran.</summary>
    public IReadOnlyList<Alert> Examine(SampleData sample, ForwardRecording? order)
    {
        var alerts = new List<Alert>();
        var firing = new HashSet<(AlertKind, string)>();
        void Raise(AlertKind kind, string layer, double value, string message)
        {
            firing.Add((kind, layer));
            if (!_active.Contains((kind, layer)))
            {
                alerts.Add(new Alert(kind, layer, sample.Step, value, message));
            }
        }

        CheckNonFinite(sample, order, alerts);
        CheckGradients(sample, Raise);
        CheckActivations(sample, Raise);

        _active.Clear();
        _active.UnionWith(firing);
        return alerts;
    }

    // Reported once per run, at the place it started (see NonFiniteOrigin): later layers only inherit it.
    private void CheckNonFinite(SampleData sample, ForwardRecording? order, List<Alert> alerts)
    {
        if (_nonFiniteReported || NonFiniteOrigin.Find(sample, order) is not { } origin)
        {
            return;
        }

        alerts.Add(new Alert(AlertKind.NonFinite, origin.Layer, sample.Step, origin.Count, origin.Message));
        _nonFiniteReported = true;
    }

    private void CheckGradients(SampleData sample, Action<AlertKind, string, double, string> raise)
    {
        double global = sample.GlobalGradientNorm;
        if (double.IsFinite(global) && global > options.GlobalGradientNormLimit)
        {
            raise(AlertKind.ExplodingGradient, "(global)", global, Invariant($"global gradient norm {global:G4} is above the limit {options.GlobalGradientNormLimit:G4}"));
        }

        if (global < options.GlobalVanishingNorm)
        {
            raise(AlertKind.VanishingGradient, "(global)", global, Invariant($"global gradient norm {global:G3} is below {options.GlobalVanishingNorm:G3}"));
        }

        var globalHistory = GetHistory("(global)");
        double globalMedian = globalHistory.Median;
        if (double.IsFinite(global))
        {
            globalHistory.Add(global);
        }

        foreach (var p in sample.Parameters)
        {
            if (p.Gradient is not { } grad || grad.HasNonFinite)
            {
                continue;
            }

            double norm = grad.Norm;
            var history = GetHistory(p.Name);
            double recentMax = history.Max;
            bool significant = !double.IsFinite(global) || norm >= options.SignificantFraction * global;
            if (history.Count >= options.WarmupSamples && significant && recentMax > 0 && norm > options.ExplodingFactor * recentMax)
            {
                raise(AlertKind.ExplodingGradient, p.Name, norm, Invariant($"{p.Name} gradient norm {norm:G4} is {norm / recentMax:F1}× the largest of its last {history.Count} samples ({recentMax:G4})"));
            }

            double median = history.Median;

            bool mattered = median >= options.SignificantFraction * globalMedian;
            if (history.Count >= options.WarmupSamples && mattered && norm * options.VanishingFactor < median)
            {
                raise(AlertKind.VanishingGradient, p.Name, norm, Invariant($"{p.Name} gradient norm {norm:G3} is {median / Math.Max(norm, double.Epsilon):G3}× below its running median {median:G3}"));
            }

            history.Add(norm);
        }
    }

    private void CheckActivations(SampleData sample, Action<AlertKind, string, double, string> raise)
    {
        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            if (output.Channels > 0 && output.DeadChannels / output.Channels >= options.DeadUnitFraction)
            {
                raise(AlertKind.DeadUnits, a.Name, output.DeadChannels, Invariant($"{a.Name}: {output.DeadChannels} of {output.Channels} units are zero for the whole batch (dead units)"));
            }
        }
    }

    private RecentHistory GetHistory(string name)
    {
        if (!_gradientHistory.TryGetValue(name, out var history))
        {
            history = new RecentHistory(options.HistoryWindow);
            _gradientHistory[name] = history;
        }

        return history;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
