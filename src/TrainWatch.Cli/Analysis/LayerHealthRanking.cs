using System.Globalization;
using TrainWatch.Cli.Reading;
using TrainWatch.Cli.Rendering;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Orders a run's layers worst health first. A layer is a module: the watcher's per-parameter tags
/// (<c>update_ratio/features.0.weight</c>) count for the module that owns the parameter (<c>features.0</c>), its
/// per-module tags (<c>activation_dead_units/features.0</c>) for the module itself (a part of a module's output,
/// <c>encoder.gru/output</c>, for the module). Each measurement scores 0 when
/// healthy and 1 at the edge of unhealthy:
/// <list type="bullet">
/// <item>update ratio ‖Δw‖/‖w‖: its distance from 1e-3 in decades, |log10(r / 1e-3)| — 1 when 10× off (ratios of
/// 1e-4 and 1e-2 score 1; 0 scores as 1e-12);</item>
/// <item>gradient-norm jump: the latest gradient norm against the median of its previous (up to 10) values, in
/// decades — 1 for a 10× jump or fall; needs 3 previous values;</item>
/// <item>dead units (outputs zero for the whole batch): 1 + log10(count), so one dead unit is worth a look;</item>
/// <item>NaN or ±∞ counted in a weight, gradient or output: 10.</item>
/// </list>
/// Biases are left out of the update-ratio and jump measures: they are often zero at the start or cancelled by a
/// following normalisation (a conv bias before batch norm gets a gradient of ~1e-8), so their ratios say nothing about
/// the layer. Saturated units have no scalar of their own: they come in through the watcher's alert.
/// A layer keeps its worst signal of each measure (a GRU has two weight matrices). Order: layers an alert names first,
/// newest alert first; then by their worst score; ties in forward order.
/// </summary>
internal static class LayerHealthRanking
{
    /// <summary>The score at which a measurement is worth a look.</summary>
    public const double UnhealthyScore = 1;

    /// <summary>The score of a NaN or ±∞ count: worse than any finite measurement short of ten decades.</summary>
    public const double NonFiniteScore = 10;

    /// <summary>The update ratio of a healthy step (the usual rule of thumb for SGD and Adam alike).</summary>
    public const double HealthyUpdateRatio = 1e-3;

    /// <summary>How many previous gradient norms the jump is measured against.</summary>
    public const int JumpWindow = 10;

    /// <summary>How many previous gradient norms a jump needs: a median of fewer is one noisy sample.</summary>
    public const int JumpMinimumHistory = 3;

    // Zero (weights that did not move) is scored as this ratio: far off, but not an infinite score that hides the rest.
    private const double SmallestRatio = 1e-12;

    private static readonly string s_gradientNorm = LayerTags.GradientStatisticPrefix(TensorStatistic.Norm);
    private static readonly string s_deadUnits = LayerTags.ActivationStatisticPrefix(TensorStatistic.DeadUnits);

    private static readonly (string Prefix, string What)[] s_nonFiniteCounts =
    [
        (LayerTags.GradientStatisticPrefix(TensorStatistic.NaNCount), "gradient"), (LayerTags.GradientStatisticPrefix(TensorStatistic.InfCount), "gradient"),
        (LayerTags.WeightStatisticPrefix(TensorStatistic.NaNCount), "weights"), (LayerTags.WeightStatisticPrefix(TensorStatistic.InfCount), "weights"),
        (LayerTags.ActivationStatisticPrefix(TensorStatistic.NaNCount), "output"), (LayerTags.ActivationStatisticPrefix(TensorStatistic.InfCount), "output"),
    ];

    /// <summary>The layers of <paramref name="run"/>, worst first; <paramref name="alerts"/> are its alerts, newest first.</summary>
    public static IReadOnlyList<LayerHealth> Rank(RunData run, IReadOnlyList<DashboardAlert> alerts)
    {
        var signals = new Dictionary<string, List<HealthSignal>>(StringComparer.Ordinal);
        var forwardOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        List<HealthSignal> SignalsOf(string layer, string tag)
        {
            int order = run.Tags.TryGetValue(tag, out var info) ? info.Ordinal : int.MaxValue;
            forwardOrder[layer] = Math.Min(order, forwardOrder.GetValueOrDefault(layer, int.MaxValue));
            if (!signals.TryGetValue(layer, out var list))
            {
                list = [];
                signals[layer] = list;
            }

            return list;
        }

        foreach (var (tag, points) in run.Scalars)
        {
            if (points.Count == 0)
            {
                continue;
            }

            if (ParameterOf(tag, LayerTags.UpdateRatioPrefix) is { } ratioParameter && !IsBias(ratioParameter))
            {
                SignalsOf(LayerOfParameter(ratioParameter), tag).Add(UpdateRatio(points[^1].Value));
            }
            else if (ParameterOf(tag, s_gradientNorm) is { } normParameter && !IsBias(normParameter))
            {
                var list = SignalsOf(LayerOfParameter(normParameter), tag);
                if (GradientJump(points) is { } jump)
                {
                    list.Add(jump);
                }
            }
            else if (ParameterOf(tag, s_deadUnits) is { } module)
            {
                double dead = points[^1].Value;
                SignalsOf(LayerOfModule(module), tag).Add(new HealthSignal(
                    HealthMeasure.DeadUnits, dead > 0 ? 1 + Math.Log10(dead) : 0, string.Create(CultureInfo.InvariantCulture, $"{dead:0} dead units")));
            }
            else if (s_nonFiniteCounts.FirstOrDefault(c => tag.StartsWith(c.Prefix, StringComparison.Ordinal)) is { Prefix: not null } count)
            {
                string name = tag[count.Prefix.Length..];
                var list = SignalsOf(count.What == "output" ? LayerOfModule(name) : LayerOfParameter(name), tag);
                if (points[^1].Value > 0)
                {
                    list.Add(new HealthSignal(HealthMeasure.NonFinite, NonFiniteScore, $"NaN/Inf in {count.What}"));
                }
            }
        }

        var newestAlert = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var named in alerts.Where(a => a.Layer is not null).GroupBy(a => LayerOfAlert(a.Layer!, signals)))
        {
            if (named.Key is not { } layer)
            {
                continue; // the global norm, the loss: in the alerts list, not a layer's
            }

            var newest = named.First(); // alerts come newest first, and grouping keeps their order
            int others = named.Count() - 1;
            newestAlert[layer] = newest.Step;
            signals[layer].Add(new HealthSignal(HealthMeasure.Alert, double.PositiveInfinity, string.Create(CultureInfo.InvariantCulture,
                $"alert {newest.Kind} @{newest.Step}{(others > 0 ? $" (+{others})" : string.Empty)}")));
        }

        return signals
            .Select(s => new LayerHealth(s.Key, forwardOrder[s.Key], newestAlert.TryGetValue(s.Key, out long step) ? step : null, WorstOfEach(s.Value)))
            .OrderByDescending(h => h.NewestAlertStep ?? long.MinValue)
            .ThenByDescending(h => h.Signals.FirstOrDefault(v => double.IsFinite(v.Score))?.Score ?? 0)
            .ThenBy(h => h.ForwardOrder)
            .ThenBy(h => h.Layer, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The module owning a parameter: its path without the last segment (<c>features.0.weight</c> → <c>features.0</c>).</summary>
    public static string LayerOfParameter(string parameter)
    {
        int dot = parameter.LastIndexOf('.');
        return dot > 0 ? parameter[..dot] : parameter;
    }

    /// <summary>
    /// The layer of a module's output tag: the module itself, or for a part of a module's output
    /// (<c>encoder.gru/output</c>) the module before the slash.
    /// </summary>
    public static string LayerOfModule(string module)
    {
        int slash = module.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? module[..slash] : module;
    }

    // A module with several weights (a GRU's input and hidden matrices) shows its worst of each measure, once.
    private static List<HealthSignal> WorstOfEach(List<HealthSignal> signals) =>
        signals.GroupBy(s => s.Measure).Select(g => g.MaxBy(s => s.Score)!).OrderByDescending(s => s.Score).ToList();

    private static HealthSignal UpdateRatio(double ratio)
    {
        double decades = double.IsNaN(ratio) ? NonFiniteScore : Math.Min(NonFiniteScore, Math.Abs(Math.Log10(Math.Max(ratio, SmallestRatio) / HealthyUpdateRatio)));
        return new HealthSignal(HealthMeasure.UpdateRatio, decades, $"update ratio {NumberText.Short(ratio)}");
    }

    private static HealthSignal? GradientJump(List<ScalarPoint> points)
    {
        double latest = points[^1].Value;
        if (!double.IsFinite(latest))
        {
            return new HealthSignal(HealthMeasure.NonFinite, NonFiniteScore, $"grad norm {NumberText.Short(latest)}");
        }

        var previous = points.Take(points.Count - 1).TakeLast(JumpWindow).Select(p => p.Value).Where(v => double.IsFinite(v) && v > 0).Order().ToList();
        if (previous.Count < JumpMinimumHistory || latest <= 0)
        {
            return null;
        }

        double median = previous.Count % 2 == 1 ? previous[previous.Count / 2] : (previous[previous.Count / 2 - 1] + previous[previous.Count / 2]) / 2;
        double ratio = latest / median;
        string change = ratio >= 1 ? $"×{NumberText.Short(ratio)}" : $"÷{NumberText.Short(1 / ratio)}";
        return new HealthSignal(HealthMeasure.GradientJump, Math.Abs(Math.Log10(ratio)), $"grad norm {change} vs median");
    }

    private static string? LayerOfAlert(string named, Dictionary<string, List<HealthSignal>> layers) =>
        layers.ContainsKey(named) ? named : layers.ContainsKey(LayerOfParameter(named)) ? LayerOfParameter(named) : null;

    private static string? ParameterOf(string tag, string prefix) =>
        tag.StartsWith(prefix, StringComparison.Ordinal) && tag.Length > prefix.Length ? tag[prefix.Length..] : null;

    private static bool IsBias(string parameter) => parameter == "bias" || parameter.EndsWith(".bias", StringComparison.Ordinal);
}
