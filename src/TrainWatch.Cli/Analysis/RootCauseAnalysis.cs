using System.Globalization;
using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// The root-cause verdict: per layer, ln(‖g_B‖/‖g_A‖) of its gradient norm (the watcher's <c>grad_norm/&lt;param&gt;</c>
/// scalar when both runs have it — exact, and it keeps being written when the tensor is all NaN — else the L2 norm of
/// the <c>grads/&lt;param&gt;</c> histogram), its change-point onset (<see cref="ChangePoint"/>), and the layers in
/// <see cref="DivergenceOrder"/>: the first is the cause. A learning rate that changed before any layer diverged is
/// blamed instead. Runs not written by the watcher (no <c>grads/</c> or <c>grad_norm/</c>) use every histogram tag.
/// </summary>
internal static class RootCauseAnalysis
{
    private const string GradientHistogram = LayerTags.GradientHistogramPrefix;
    private const string WeightHistogram = LayerTags.WeightHistogramPrefix;
    private const string UpdateRatio = LayerTags.UpdateRatioPrefix;
    private static readonly string s_gradientNorm = LayerTags.GradientStatisticPrefix(TensorStatistic.Norm);
    private static readonly string s_weightNorm = LayerTags.WeightStatisticPrefix(TensorStatistic.Norm);

    /// <summary>
    /// Layers whose update ratio ‖Δw‖/‖w‖ (the watcher's <c>update_ratio/&lt;param&gt;</c>) left A's, earliest first, largest
    /// departure on ties. A layer whose updates stop (frozen by mistake, left out of the optimizer) changes no gradient
    /// norm at first: its update ratio, B/A → 0, is the first trace.
    /// </summary>
    public static List<(string Layer, LogRatioSeries Series)> UpdateDivergences(RunData a, RunData b, IReadOnlySet<long> stepsOfB) =>
        a.Scalars.Keys.Where(t => t.StartsWith(UpdateRatio, StringComparison.Ordinal) && b.Scalars.ContainsKey(t))
            .Select(t => (Layer: t[UpdateRatio.Length..], Series: LogRatioSeries.Compare(t, LogRatioSeries.Values(a.Scalars[t]), LogRatioSeries.Values(b.Scalars[t]), stepsOfB)))
            .Where(u => u.Series.Onset is not null)
            .OrderBy(u => u.Series.Onset!.Step)
            .ThenByDescending(u => Math.Abs(u.Series.Onset!.Departure))
            .ToList();

    /// <summary>Every comparable layer of <paramref name="a"/> and <paramref name="b"/>, in run A's order.</summary>
    /// <param name="a">Run A.</param>
    /// <param name="b">Run B.</param>
    /// <param name="tags">The user's tag filter.</param>
    /// <param name="stepsOfB">Every step run B logged at.</param>
    /// <param name="comparisons">The histogram tags already compared (their norm series are reused for runs not written by the watcher).</param>
    public static List<LayerDivergence> Layers(RunData a, RunData b, TagGlob tags, IReadOnlySet<long> stepsOfB, IEnumerable<TagComparison> comparisons)
    {
        bool watcher = a.Scalars.Keys.Any(t => t.StartsWith(s_gradientNorm, StringComparison.Ordinal))
            || a.HistogramStats.Keys.Any(t => t.StartsWith(GradientHistogram, StringComparison.Ordinal));
        var layers = new List<LayerDivergence>();
        if (!watcher)
        {
            foreach (var tag in comparisons)
            {
                layers.Add(new LayerDivergence(tag.Tag, tag.Norms, null, Ordinal(a, tag.Tag)));
            }
        }
        else
        {
            var names = a.Scalars.Keys.Where(t => t.StartsWith(s_gradientNorm, StringComparison.Ordinal)).Select(t => t[s_gradientNorm.Length..])
                .Concat(a.HistogramStats.Keys.Where(t => t.StartsWith(GradientHistogram, StringComparison.Ordinal)).Select(t => t[GradientHistogram.Length..]))
                .Distinct(StringComparer.Ordinal)
                .Where(p => tags.Matches(GradientHistogram + p) || tags.Matches(s_gradientNorm + p));
            foreach (string name in names)
            {
                if (NormSeries(a, b, s_gradientNorm + name, GradientHistogram + name, stepsOfB) is { } gradient)
                {
                    var weight = NormSeries(a, b, s_weightNorm + name, WeightHistogram + name, stepsOfB);
                    layers.Add(new LayerDivergence(name, gradient, weight, Math.Min(Ordinal(a, s_gradientNorm + name), Ordinal(a, GradientHistogram + name))));
                }
            }
        }

        return layers.OrderBy(l => l.Ordinal).ThenBy(l => l.Layer, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The layers whose gradient norm diverged, the cause first (see <see cref="DivergenceOrder"/>). Within a tie, a
    /// layer whose weight norm had already left A's at the earliest onset goes first: weights change only through
    /// their own updates (or a fault), and once one layer's weights are off, every gradient in the network follows in
    /// the same step — possibly by more than that layer's own gradient.
    /// </summary>
    /// <param name="layers">All layers.</param>
    /// <param name="interval">The sampling interval.</param>
    /// <param name="nonFinite">Run B's non-finite finding: when departures tie at ∞ (several series turn NaN in the same sampled step), the layer it names goes first.</param>
    public static List<LayerDivergence> Order(IEnumerable<LayerDivergence> layers, long interval, NonFiniteFinding? nonFinite)
    {
        var nanOrder = nonFinite?.Signals.Where(s => s.Layer is not null).Select(s => s.Layer!).Distinct().ToList() ?? [];
        return DivergenceOrder.Order(
            layers,
            l => l.Gradient.Onset?.Step,
            (l, step) => l.Gradient.DepartureAt(step),
            interval,
            l => $"{(nanOrder.IndexOf(l.Layer) is var i and >= 0 ? i : int.MaxValue):D10}{l.Ordinal:D10}",
            (l, step) => l.Weight?.Onset is { } weight && weight.Step <= step);
    }

    /// <summary>The verdict, or null when nothing diverged.</summary>
    /// <param name="ordered">The layers whose gradient norm diverged, in <see cref="Order"/>.</param>
    /// <param name="scalars">The compared training scalars.</param>
    /// <param name="nonFiniteB">Run B's non-finite finding, if any.</param>
    /// <param name="tags">The compared histogram tags, ranked.</param>
    /// <param name="interval">The sampling interval.</param>
    /// <param name="updates">Layers whose update ratio diverged (<see cref="UpdateDivergences"/>), earliest first.</param>
    public static RootCause? Decide(IReadOnlyList<LayerDivergence> ordered, ScalarComparison scalars, NonFiniteFinding? nonFiniteB, IReadOnlyList<TagComparison> tags, long interval, IReadOnlyList<(string Layer, LogRatioSeries Series)> updates)
    {
        var c = CultureInfo.InvariantCulture;
        var evidence = new List<string>();
        var rate = scalars.LearningRateChanges.FirstOrDefault();
        var first = ordered.FirstOrDefault();
        if (rate is not null && (first is null || rate.Step <= first.Gradient.Onset!.Step))
        {
            evidence.Add(string.Create(c, $"{rate.Tag}: B/A ×{rate.Ratio:G3} from step {rate.Step} (×{rate.LastRatio:G3} at the last common step)"));
            if (first is not null)
            {
                evidence.Add(DescribeLayer(first));
            }

            AddContext(evidence, ordered, scalars, nonFiniteB, interval);
            return new RootCause(RootCauseKind.LearningRate, rate.Tag, first?.Layer, rate.Step, evidence);
        }

        // Updates that changed more than one interval before any gradient did: the weights stopped (or started) moving
        // on their own, which is what a frozen layer looks like; its gradients only drift later.
        if (updates.FirstOrDefault() is { Layer: not null } update
            && (first is null || update.Series.Onset!.Step + interval < first.Gradient.Onset!.Step))
        {
            var onset = update.Series.Onset!;
            string how = double.IsNegativeInfinity(onset.Departure) || Math.Exp(onset.Departure) < 1e-6
                ? "its weights stopped changing in B (update ratio ‖Δw‖/‖w‖ is 0) while A's kept moving"
                : string.Create(c, $"its update ratio ‖Δw‖/‖w‖ B/A ×{Math.Exp(onset.Departure):G3}");
            evidence.Add(string.Create(c, $"'{update.Layer}': {how}, from step {onset.Step}"));
            if (first is not null)
            {
                evidence.Add(string.Create(c, $"gradients diverge only later: {DescribeLayer(first)}"));
            }

            AddContext(evidence, ordered, scalars, nonFiniteB, interval);
            return new RootCause(RootCauseKind.Layer, update.Series.Tag, update.Layer, onset.Step, evidence);
        }

        if (first is not null)
        {
            evidence.Add(DescribeLayer(first));
            if (first.Weight is { } weight)
            {
                long onset = first.Gradient.Onset!.Step;
                evidence.Add(weight.Onset is { } w
                    ? string.Create(c, $"its weights diverge from step {w.Step} (‖w‖ B/A ×{Math.Exp(w.Departure):G3} above baseline)")
                    : string.Create(c, $"its weights have not diverged (‖w‖ B/A ×{weight.RatioAt(onset):G3} at step {onset})"));
            }

            AddContext(evidence, ordered, scalars, nonFiniteB, interval);
            return new RootCause(RootCauseKind.Layer, first.Gradient.Tag, first.Layer, first.Gradient.Onset!.Step, evidence);
        }

        // No norm diverged: the earliest tag whose distribution crossed the distance threshold, largest d on ties.
        var distribution = tags.Where(t => t.OnsetStep is not null)
            .OrderBy(t => t.OnsetStep)
            .ThenByDescending(t => t.MaxDistance)
            .FirstOrDefault();
        if (distribution is not null)
        {
            evidence.Add(string.Create(c, $"'{distribution.Tag}': distance d crosses the threshold at step {distribution.OnsetStep} (max d {distribution.MaxDistance:G3}); no gradient norm diverged"));
            AddContext(evidence, ordered, scalars, nonFiniteB, interval);
            return new RootCause(RootCauseKind.Distribution, distribution.Tag, NonFiniteDetector.RoleOf(distribution.Tag).Layer, distribution.OnsetStep!.Value, evidence);
        }

        if (nonFiniteB is not null)
        {
            evidence.Add(nonFiniteB.Describe());
            return new RootCause(RootCauseKind.Layer, nonFiniteB.Signals[0].Source, nonFiniteB.FirstLayer, nonFiniteB.Step, evidence);
        }

        return null;
    }

    /// <summary>The sentence about one layer's onset.</summary>
    public static string DescribeLayer(LayerDivergence layer)
    {
        var onset = layer.Gradient.Onset!;
        string ratio = double.IsPositiveInfinity(onset.Departure) ? "non-finite or missing in B" : string.Create(CultureInfo.InvariantCulture, $"×{Math.Exp(onset.Departure):G3} above baseline");
        return string.Create(CultureInfo.InvariantCulture,
            $"'{layer.Layer}': gradient norm B/A {ratio} at step {onset.Step} (baseline B/A ×{Math.Exp(onset.Baseline):G3}, step-to-step noise ±{onset.Noise * 100:G2}%; detected at step {onset.DetectionStep}), from {layer.Gradient.Tag}");
    }

    private static void AddContext(List<string> evidence, IReadOnlyList<LayerDivergence> ordered, ScalarComparison scalars, NonFiniteFinding? nonFiniteB, long interval)
    {
        var c = CultureInfo.InvariantCulture;
        if (ordered.Count > 1)
        {
            var followers = ordered.Skip(1).Take(5).Select(l => string.Create(c, $"'{l.Layer}' (step {l.Gradient.Onset!.Step})"));
            evidence.Add($"then {string.Join(", ", followers)}{(ordered.Count > 6 ? $" and {ordered.Count - 6} more" : string.Empty)}; onsets within {interval} steps (one sampling interval) are ordered by how far B departs from A at the earliest");
        }

        if (scalars.GlobalGradientNorm?.Onset is { } global)
        {
            evidence.Add(string.Create(c, $"global gradient norm diverges from step {global.Step}"));
        }

        if (scalars.Loss?.Onset is { } loss)
        {
            evidence.Add(string.Create(c, $"loss diverges from step {loss.Step}"));
        }

        if (nonFiniteB is not null)
        {
            evidence.Add(nonFiniteB.Describe());
        }
    }

    private static LogRatioSeries? NormSeries(RunData a, RunData b, string scalarTag, string histogramTag, IReadOnlySet<long> stepsOfB)
    {
        if (a.Scalars.TryGetValue(scalarTag, out var scalarsA) && b.Scalars.TryGetValue(scalarTag, out var scalarsB))
        {
            return LogRatioSeries.Compare(scalarTag, LogRatioSeries.Values(scalarsA), LogRatioSeries.Values(scalarsB), stepsOfB);
        }

        if (a.HistogramStats.TryGetValue(histogramTag, out var histogramsA) && b.HistogramStats.TryGetValue(histogramTag, out var histogramsB))
        {
            return LogRatioSeries.Compare(histogramTag, LogRatioSeries.Norms(histogramsA), LogRatioSeries.Norms(histogramsB), stepsOfB);
        }

        return null;
    }

    private static int Ordinal(RunData run, string tag) => run.Tags.TryGetValue(tag, out var info) ? info.Ordinal : int.MaxValue;
}
