using System.Globalization;
using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Finds the first step where a run holds NaN or ±∞, from every place the writers leave a trace: the watcher's
/// <c>{grad,weight,activation}_{nan,inf}_count/&lt;name&gt;</c> scalars, the core writer's
/// <c>&lt;tag&gt;/{nan,pos_inf,neg_inf}_count</c> scalars, non-finite <c>grad_norm/</c>, <c>weight_norm/</c>,
/// <c>train/loss</c> and <c>train/grad_norm</c> values, histograms whose sum of squares overflowed, and histogram
/// series that stop while the run goes on and the other run still logs them (an all-NaN tensor writes no histogram).
/// </summary>
/// <remarks>
/// The first layer at that step: NaN weights first (in parameter order: the update that broke them came before
/// everything else in this step), then NaN activations (in forward order: the first module whose output overflowed
/// poisons the rest of the forward pass), then NaN gradients in reverse order (backward runs from the last layer to
/// the first, so the deepest layer with a NaN gradient is the nearest to where it arose).
/// </remarks>
internal static class NonFiniteDetector
{
    /// <summary>The scalar tags diff reads for its verdicts (and nothing else: the watcher writes many more).</summary>
    /// <remarks>The counts' globs (<c>*nan_count*</c>, <c>*inf_count*</c>) match the watcher's per-layer counts and the core writer's <c>&lt;tag&gt;/{nan,pos_inf,neg_inf}_count</c> alike.</remarks>
    public static string ScalarTags { get; } = string.Join(",",
        RunTags.TrainPrefix + "*",
        LayerTags.GradientStatisticPrefix(TensorStatistic.Norm) + "*",
        LayerTags.WeightStatisticPrefix(TensorStatistic.Norm) + "*",
        LayerTags.UpdateRatioPrefix + "*",
        "*" + TensorStatistic.NaNCount + "*",
        "*" + TensorStatistic.InfCount + "*");

    private static readonly (string Prefix, TensorRole Role)[] s_countPrefixes =
    [
        (LayerTags.WeightStatisticPrefix(TensorStatistic.NaNCount), TensorRole.Weight), (LayerTags.WeightStatisticPrefix(TensorStatistic.InfCount), TensorRole.Weight),
        (LayerTags.ActivationStatisticPrefix(TensorStatistic.NaNCount), TensorRole.Activation), (LayerTags.ActivationStatisticPrefix(TensorStatistic.InfCount), TensorRole.Activation),
        (LayerTags.GradientStatisticPrefix(TensorStatistic.NaNCount), TensorRole.Gradient), (LayerTags.GradientStatisticPrefix(TensorStatistic.InfCount), TensorRole.Gradient),
    ];

    private static readonly (string Prefix, TensorRole Role)[] s_histogramPrefixes =
    [
        (LayerTags.WeightHistogramPrefix, TensorRole.Weight), (LayerTags.ActivationHistogramPrefix, TensorRole.Activation), (LayerTags.GradientHistogramPrefix, TensorRole.Gradient),
    ];

    private static readonly string s_gradientNorm = LayerTags.GradientStatisticPrefix(TensorStatistic.Norm);
    private static readonly string s_weightNorm = LayerTags.WeightStatisticPrefix(TensorStatistic.Norm);

    /// <summary>The first non-finite step of <paramref name="run"/>, or null.</summary>
    /// <param name="name">"A" or "B".</param>
    /// <param name="run">The run examined.</param>
    /// <param name="other">The other run: a histogram that stops counts only where this one still logs it.</param>
    /// <param name="histogramTags">Which histogram tags to look at.</param>
    public static NonFiniteFinding? Find(string name, RunData run, RunData other, TagGlob histogramTags)
    {
        var signals = new List<NonFiniteSignal>();
        foreach (var (tag, points) in run.Scalars)
        {
            if (Classify(tag) is not { } where)
            {
                continue;
            }

            bool isCount = where.IsCount;
            foreach (var point in points)
            {
                if (isCount ? point.Value > 0 || double.IsNaN(point.Value) : !double.IsFinite(point.Value))
                {
                    signals.Add(new NonFiniteSignal(point.Step, where.Role, where.Layer, Ordinal(run, tag),
                        $"{tag} = {point.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
                    break;
                }
            }
        }

        var runSteps = LogRatioSeries.StepsOf(run).Order().ToArray();
        foreach (var (tag, points) in run.HistogramStats)
        {
            if (!histogramTags.Matches(tag) || points.Count == 0)
            {
                continue;
            }

            var (role, layer) = RoleOf(tag);
            foreach (var point in points)
            {
                if (!double.IsFinite(point.SumSquares))
                {
                    signals.Add(new NonFiniteSignal(point.Step, role, layer, Ordinal(run, tag), $"{tag}: sum of squares overflows"));
                    break;
                }
            }

            long last = points.Max(p => p.Step);
            int next = Array.BinarySearch(runSteps, last + 1);
            next = next >= 0 ? next : ~next;
            if (next < runSteps.Length && other.HistogramStats.TryGetValue(tag, out var otherPoints) && otherPoints.Any(p => p.Step >= runSteps[next]))
            {
                signals.Add(new NonFiniteSignal(runSteps[next], role, layer, Ordinal(run, tag), $"{tag} stops after step {last} (an all-NaN/Inf tensor writes no histogram)"));
            }
        }

        if (signals.Count == 0)
        {
            return null;
        }

        long first = signals.Min(s => s.Step);
        var atFirst = signals.Where(s => s.Step == first)
            .OrderBy(s => s.Role)
            .ThenBy(s => s.Role == TensorRole.Gradient ? -s.Ordinal : s.Ordinal)
            .ThenBy(s => s.Source, StringComparer.Ordinal)
            .ToList();
        return new NonFiniteFinding(name, first, atFirst.FirstOrDefault(s => s.Layer is not null)?.Layer, atFirst);
    }

    /// <summary>The watcher's role and layer for a histogram tag (<c>grads/fc1.weight</c> → gradient of fc1.weight).</summary>
    public static (TensorRole Role, string Layer) RoleOf(string histogramTag)
    {
        foreach (var (prefix, role) in s_histogramPrefixes)
        {
            if (histogramTag.StartsWith(prefix, StringComparison.Ordinal))
            {
                return (role, histogramTag[prefix.Length..]);
            }
        }

        return (TensorRole.Other, histogramTag);
    }

    private static (TensorRole Role, string? Layer, bool IsCount)? Classify(string tag)
    {
        foreach (var (prefix, role) in s_countPrefixes)
        {
            if (tag.StartsWith(prefix, StringComparison.Ordinal))
            {
                return (role, tag[prefix.Length..], true);
            }
        }

        foreach (string suffix in LayerTags.HistogramNonFiniteSuffixes)
        {
            if (tag.EndsWith(suffix, StringComparison.Ordinal))
            {
                var (role, layer) = RoleOf(tag[..^suffix.Length]);
                return (role, layer, true);
            }
        }

        return tag switch
        {
            RunTags.Loss or RunTags.GlobalGradientNorm => (TensorRole.Training, null, false),
            _ when LayerTags.LayerOf(tag, s_gradientNorm) is { } parameter => (TensorRole.Gradient, parameter, false),
            _ when LayerTags.LayerOf(tag, s_weightNorm) is { } parameter => (TensorRole.Weight, parameter, false),
            _ => null,
        };
    }

    private static int Ordinal(RunData run, string tag) => run.Tags.TryGetValue(tag, out var info) ? info.Ordinal : int.MaxValue;
}
