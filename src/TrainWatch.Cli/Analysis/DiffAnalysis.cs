using TrainWatch.Cli.Reading;
using TrainWatch.Events;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Compares two runs: the histogram tags (alignment, distances, onsets, explosions, ranking), the layers' gradient
/// norms for the root cause, the training scalars, and NaN/Inf.
/// </summary>
internal static class DiffAnalysis
{
    /// <summary>
    /// Compares <paramref name="a"/> and <paramref name="b"/>, read with <see cref="ReadOptions.SummarizeHistograms"/>
    /// from <paramref name="runA"/> and <paramref name="runB"/>; their files are read a second time for the distances.
    /// </summary>
    /// <param name="runA">Run A's files.</param>
    /// <param name="a">Run A as read.</param>
    /// <param name="runB">Run B's files.</param>
    /// <param name="b">Run B as read.</param>
    /// <param name="options">The settings.</param>
    /// <param name="charts">Whether to collect what the HTML report draws of each distribution.</param>
    /// <param name="cancellation">Stops the second reading.</param>
    public static DiffResult Compare(EventRun runA, RunData a, EventRun runB, RunData b, DiffOptions options, bool charts = false, CancellationToken cancellation = default)
    {
        var tagsA = a.HistogramStats.Keys.Where(options.Tags.Matches).ToHashSet(StringComparer.Ordinal);
        var tagsB = b.HistogramStats.Keys.Where(options.Tags.Matches).ToHashSet(StringComparer.Ordinal);
        var common = tagsA.Intersect(tagsB).Order(StringComparer.Ordinal).ToArray();

        var stepsOfB = LogRatioSeries.StepsOf(b);
        var comparisons = CompareTags(runA, a, runB, b, common, options, charts, stepsOfB, cancellation);

        var layers = RootCauseAnalysis.Layers(a, b, options.Tags, stepsOfB, comparisons);
        var gaps = new StepGaps();
        foreach (var layer in layers)
        {
            gaps.Add(layer.Gradient.Steps);
        }

        foreach (var tag in comparisons)
        {
            gaps.Add(tag.CommonGaps);
        }

        long interval = DivergenceOrder.Interval(gaps);

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

    // Its own method so the alignments, needed only until each tag is compared, can be collected before the rest runs.
    private static TagComparison[] CompareTags(EventRun runA, RunData a, EventRun runB, RunData b, string[] tags, DiffOptions options, bool charts, IReadOnlySet<long> stepsOfB, CancellationToken cancellation)
    {
        var alignments = new StepAlignment[tags.Length];
        Parallel.For(0, tags.Length, i => alignments[i] = StepAlignment.Align(a.HistogramStats[tags[i]], b.HistogramStats[tags[i]]));
        var paired = HistogramPairing.Measure(runA, a, runB, b, tags, alignments, charts, cancellation);
        var comparisons = new TagComparison[tags.Length];
        Parallel.For(0, tags.Length, i =>
        {
            comparisons[i] = CompareTag(tags[i], a, b, options, stepsOfB, alignments[i], paired, i);

            // Each tag's full-resolution series go as soon as it is compared (the comparison keeps what it reports).
            alignments[i] = StepAlignment.Empty;
            paired.Release(i);
        });
        return comparisons;
    }

    private static TagComparison CompareTag(string tag, RunData a, RunData b, DiffOptions options, IReadOnlySet<long> stepsOfB, StepAlignment alignment, PairedHistograms paired, int slot)
    {
        var distances = paired.Distances[slot];
        var statsA = a.HistogramStats[tag];
        var statsB = b.HistogramStats[tag];
        int n = alignment.CommonSteps.Length;
        int? onsetIndex = null, maxIndex = null;
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            double d = distances[i];
            if (d > options.Threshold && onsetIndex is null)
            {
                onsetIndex = i;
            }

            // Strictly greater: identical runs report no step of maximum at all rather than "step 0".
            if (d > max)
            {
                max = d;
                maxIndex = i;
            }
        }

        var gaps = new StepGaps();
        gaps.Add(alignment.CommonSteps);
        var kept = ReportThinning.Indices(n, options.MaxPointsPerTag, onsetIndex, maxIndex);

        var norms = LogRatioSeries.Compare(tag, LogRatioSeries.Norms(statsA), LogRatioSeries.Norms(statsB), stepsOfB);

        // The explosion's start is the change point of B/A, not the fitted window (which starts at the run's half).
        long? growsInB = norms.Onset is { Departure: > 0 } up ? up.Step : null;
        long? growsInA = norms.Onset is { Departure: < 0 } down ? down.Step : null;
        return new TagComparison
        {
            Tag = tag,
            Norms = norms,
            Steps = ReportThinning.Take(alignment.CommonSteps, kept),
            CommonStepCount = n,
            CommonGaps = gaps,
            Distances = ReportThinning.Take(distances, kept),
            NormRatios = [.. (kept ?? Enumerable.Range(0, n)).Select(i => HistogramPairing.Ratio(statsB[alignment.CommonB[i]].Norm, statsA[alignment.CommonA[i]].Norm))],
            StdRatios = ReportThinning.Take(paired.StdRatios[slot], kept),
            OnsetStep = onsetIndex is int o ? alignment.CommonSteps[o] : null,
            MaxDistance = max,
            MaxDistanceStep = maxIndex is int m ? alignment.CommonSteps[m] : null,
            GridA = alignment.GridA,
            GridB = alignment.GridB,
            StepsOnlyInA = alignment.OnlyInA,
            StepsOnlyInB = alignment.OnlyInB,
            ExplodingInA = ExplosionDetector.Examine("A", tag, a, options.ExplodeFactor, growsInA) is { } inA ? inA with { OnsetStep = growsInA } : null,
            ColumnsA = paired.ColumnsA[slot],
            ColumnsB = paired.ColumnsB[slot],
            ExplodingInB = ExplosionDetector.Examine("B", tag, b, options.ExplodeFactor, growsInB) is { } inB ? inB with { OnsetStep = growsInB } : null,
        };
    }

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
                     .GroupBy(t => (t.GridA, t.GridB, NoCommon: t.CommonStepCount == 0)))
        {
            string tags = DescribeTags(group.Select(t => t.Tag).ToList());
            notes.Add(group.Key.NoCommon
                ? $"no common steps for {tags}: run A logged {group.Key.GridA}, run B logged {group.Key.GridB}; nothing to compare."
                : $"step grids differ for {tags}: run A logged {group.Key.GridA}, run B logged {group.Key.GridB}; compared on the {group.First().CommonStepCount} steps both logged (exact matches only).");
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
