using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Diff;

/// <summary>Compares the histogram tags of two runs: alignment, distances, onset, explosion, ranking.</summary>
internal static class DiffAnalysis
{
    /// <summary>Compares <paramref name="a"/> and <paramref name="b"/> (loaded with their histograms).</summary>
    public static DiffResult Compare(RunData a, RunData b, DiffOptions options)
    {
        var tagsA = a.Histograms.Keys.Where(options.Tags.Matches).ToHashSet(StringComparer.Ordinal);
        var tagsB = b.Histograms.Keys.Where(options.Tags.Matches).ToHashSet(StringComparer.Ordinal);
        var common = tagsA.Intersect(tagsB).Order(StringComparer.Ordinal).ToArray();

        var comparisons = new TagComparison[common.Length];
        Parallel.For(0, common.Length, i => comparisons[i] = CompareTag(common[i], a, b, options));

        var ranked = comparisons
            .OrderByDescending(t => t.MaxDistance)
            .ThenBy(t => t.OnsetStep ?? long.MaxValue)
            .ThenByDescending(t => t.ExplodingInA is not null || t.ExplodingInB is not null)
            .ThenBy(t => t.Tag, StringComparer.Ordinal)
            .ToList();

        return new DiffResult
        {
            RunA = a,
            RunB = b,
            Options = options,
            Ranked = ranked,
            TagsOnlyInA = tagsA.Except(tagsB).Order(StringComparer.Ordinal).ToList(),
            TagsOnlyInB = tagsB.Except(tagsA).Order(StringComparer.Ordinal).ToList(),
            Notes = ExplainAlignment(ranked, tagsA.Count, tagsB.Count),
        };
    }

    private static TagComparison CompareTag(string tag, RunData a, RunData b, DiffOptions options)
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

        return new TagComparison
        {
            Tag = tag,
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
            ExplodingInA = ExplosionDetector.Examine("A", tag, a, options.ExplodeFactor),
            ExplodingInB = ExplosionDetector.Examine("B", tag, b, options.ExplodeFactor),
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
