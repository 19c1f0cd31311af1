using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Diff;

/// <summary>
/// Compares two runs: the histogram tags (alignment, distances, onsets, explosions, ranking), the layers' gradient
/// norms for the root cause, the training scalars, and NaN/Inf.
/// </summary>
internal static class DiffAnalysis
{
    /// <summary>Compares <paramref name="a"/> and <paramref name="b"/> (loaded with their histograms).</summary>
    public static DiffResult Compare(RunData a, RunData b, DiffOptions options)
    {
        var tagsA = a.Histograms.Keys.Where(options.Tags.Matches).ToHashSet(StringComparer.Ordinal);
        var tagsB = b.Histograms.Keys.Where(options.Tags.Matches).ToHashSet(StringComparer.Ordinal);
        var common = tagsA.Intersect(tagsB).Order(StringComparer.Ordinal).ToArray();

        var stepsOfB = LogRatioSeries.StepsOf(b);
        var comparisons = new TagComparison[common.Length];
        Parallel.For(0, common.Length, i => comparisons[i] = CompareTag(common[i], a, b, options, stepsOfB));

        var layers = RootCauseAnalysis.Layers(a, b, options.Tags, stepsOfB, comparisons);
        long interval = DivergenceOrder.Interval(layers.Select(l => l.Gradient.Steps).Concat(comparisons.Select(t => t.Steps)));

        // The tags that diverge, cause first; then the rest by how far apart they got.
        var diverging = DivergenceOrder.Order(comparisons, t => t.DivergenceStep, (t, step) => t.Norms.DepartureAt(step), interval, t => t.Tag);
        var ranked = diverging.Concat(comparisons.Except(diverging)
            .OrderByDescending(t => t.MaxDistance)
            .ThenByDescending(t => t.ExplodingInA is not null || t.ExplodingInB is not null)
            .ThenBy(t => t.Tag, StringComparer.Ordinal))
            .ToList();

        var nonFiniteB = NonFiniteDetector.Find("B", b, a, options.Tags);
        var nonFiniteA = NonFiniteDetector.Find("A", a, b, options.Tags);
        var nonFinite = new List<NonFiniteFinding>();
        if (nonFiniteB is not null && (nonFiniteA is null || nonFiniteB.Step < nonFiniteA.Step))
        {
            nonFinite.Add(nonFiniteB);
        }

        if (nonFiniteA is not null && (nonFiniteB is null || nonFiniteA.Step < nonFiniteB.Step))
        {
            nonFinite.Add(nonFiniteA);
        }

        var scalars = ScalarComparison.Compare(a, b, stepsOfB);
        var divergingLayers = RootCauseAnalysis.Order(layers, interval, nonFiniteB);

        return new DiffResult
        {
            RunA = a,
            RunB = b,
            Options = options,
            Ranked = ranked,
            TagsOnlyInA = tagsA.Except(tagsB).Order(StringComparer.Ordinal).ToList(),
            TagsOnlyInB = tagsB.Except(tagsA).Order(StringComparer.Ordinal).ToList(),
            Notes = ExplainAlignment(ranked, tagsA.Count, tagsB.Count),
            Interval = interval,
            Layers = layers,
            DivergingLayers = divergingLayers,
            RootCause = RootCauseAnalysis.Decide(divergingLayers, scalars, nonFinite.FirstOrDefault(f => f.Run == "B"), ranked, interval, RootCauseAnalysis.UpdateDivergences(a, b, stepsOfB)),
            NonFinite = nonFinite,
            Scalars = scalars,
        };
    }

    private static TagComparison CompareTag(string tag, RunData a, RunData b, DiffOptions options, IReadOnlySet<long> stepsOfB)
    {
        var alignment = StepAlignment.Align(a.Histograms[tag], b.Histograms[tag]);
        int n = alignment.CommonSteps.Length;
        var distances = new double[n];
        var normRatios = new double[n];
        var stdRatios = new double[n];
        long? onset = null;
        long? maxStep = null;
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            var histogramA = alignment.HistogramsA[i];
            var histogramB = alignment.HistogramsB[i];
            double d = NormalizedDistance.Between(histogramA, histogramB);
            distances[i] = d;
            normRatios[i] = Ratio(histogramB.Norm, histogramA.Norm);
            stdRatios[i] = Ratio(histogramB.StandardDeviation, histogramA.StandardDeviation);
            if (d > options.Threshold && onset is null)
            {
                onset = alignment.CommonSteps[i];
            }

            // Strictly greater: identical runs report no step of maximum at all rather than "step 0".
            if (d > max)
            {
                max = d;
                maxStep = alignment.CommonSteps[i];
            }
        }

        var norms = LogRatioSeries.Compare(tag, LogRatioSeries.Norms(a.Histograms[tag]), LogRatioSeries.Norms(b.Histograms[tag]), stepsOfB);

        // The explosion's start is the change point of B/A, not the fitted window (which starts at the run's half).
        long? growsInB = norms.Onset is { Departure: > 0 } up ? up.Step : null;
        long? growsInA = norms.Onset is { Departure: < 0 } down ? down.Step : null;
        return new TagComparison
        {
            Tag = tag,
            Norms = norms,
            Steps = alignment.CommonSteps,
            Distances = distances,
            NormRatios = normRatios,
            StdRatios = stdRatios,
            OnsetStep = onset,
            MaxDistance = max,
            MaxDistanceStep = maxStep,
            GridA = StepGrid.Describe(alignment.StepsA),
            GridB = StepGrid.Describe(alignment.StepsB),
            StepsOnlyInA = alignment.OnlyInA,
            StepsOnlyInB = alignment.OnlyInB,
            ExplodingInA = ExplosionDetector.Examine("A", tag, a, options.ExplodeFactor) is { } inA ? inA with { OnsetStep = growsInA } : null,
            ExplodingInB = ExplosionDetector.Examine("B", tag, b, options.ExplodeFactor) is { } inB ? inB with { OnsetStep = growsInB } : null,
        };
    }

    // Same value is ratio 1 (0/0 included): "no change" is what a user expects to read for two zero biases.
    private static double Ratio(double numerator, double denominator) =>
        numerator == denominator ? 1 : numerator / denominator;

    private static List<string> ExplainAlignment(IReadOnlyList<TagComparison> comparisons, int tagCountA, int tagCountB)
    {
        var notes = new List<string>();
        if (tagCountA == 0 || tagCountB == 0)
        {
            notes.Add($"run {(tagCountA == 0 ? "A" : "B")} has no histogram tags to compare.");
        }
        else if (comparisons.Count == 0)
        {
            notes.Add("the runs have no histogram tag in common.");
        }

        // Group tags by their pair of grids so 100 tags logged the same way give one sentence, not 100.
        foreach (var group in comparisons.Where(t => t.StepsOnlyInA > 0 || t.StepsOnlyInB > 0)
                     .GroupBy(t => (t.GridA, t.GridB, NoCommon: t.Steps.Length == 0)))
        {
            string tags = DescribeTags(group.Select(t => t.Tag).ToList());
            notes.Add(group.Key.NoCommon
                ? $"no common steps for {tags}: run A logged {group.Key.GridA}, run B logged {group.Key.GridB}; nothing to compare."
                : $"step grids differ for {tags}: run A logged {group.Key.GridA}, run B logged {group.Key.GridB}; compared on the {group.First().Steps.Length} steps both logged (exact matches only).");
        }

        return notes;
    }

    private static string DescribeTags(IReadOnlyList<string> tags) => tags.Count switch
    {
        1 => $"'{tags[0]}'",
        <= 3 => string.Join(", ", tags.Select(t => $"'{t}'")),
        _ => $"{tags.Count} tags ('{tags[0]}', '{tags[1]}', ...)",
    };
}
