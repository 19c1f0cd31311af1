using System.Globalization;
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

    public IReadOnlyList<Alert> Examine(SampleData sample)
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

        CheckNonFinite(sample, alerts);
        CheckGradients(sample, Raise);
        CheckActivations(sample, Raise);

        _active.Clear();
        _active.UnionWith(firing);
        return alerts;
    }

    // Reported once per run: the first sample that sees NaN/Inf names the first place it appears, in forward order
    // (activations, then weights, then gradients), because later layers only inherit it.
    private void CheckNonFinite(SampleData sample, List<Alert> alerts)
    {
        if (_nonFiniteReported)
        {
            return;
        }

        var sources = new List<(string Layer, string What, TensorStats Stats)>();
        sources.AddRange(sample.Activations.Select(a => (a.Name, "activation", a.Output)));
        sources.AddRange(sample.Parameters.Select(p => (p.Name, "weights", p.Weight)));
        sources.AddRange(sample.Parameters.Where(p => p.Gradient is not null).Select(p => (p.Name, "gradient", p.Gradient!)));
        var bad = sources.Where(s => s.Stats.HasNonFinite).ToList();

        if (bad.Count > 0)
        {
            var first = bad[0];
            string others = bad.Count > 1 ? Invariant($" (also in {bad.Count - 1} more: {string.Join(", ", bad.Skip(1).Take(5).Select(f => $"{f.Layer} {f.What}"))}{(bad.Count > 6 ? ", ..." : "")})") : "";
            alerts.Add(new Alert(
                AlertKind.NonFinite,
                first.Layer,
                sample.Step,
                first.Stats.NaNCount + first.Stats.InfCount,
                Invariant($"first NaN/Inf at step {sample.Step} in {first.Layer} {first.What}: {first.Stats.NaNCount} NaN, {first.Stats.InfCount} Inf of {first.Stats.Numel}{others}")));
            _nonFiniteReported = true;
        }
        else if (sample.Loss is { } loss && !double.IsFinite(loss))
        {
            alerts.Add(new Alert(AlertKind.NonFinite, "loss", sample.Step, loss, Invariant($"first NaN/Inf at step {sample.Step}: the loss is {loss}")));
            _nonFiniteReported = true;
        }
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
