using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// One tag's histograms of both runs, paired on the exact intersection of their steps. Runs sampled on different grids
/// are compared only where both logged (no nearest-step matching: a histogram 5 steps later is a different network).
/// When a run logged a step twice (a restart), the value read last wins. Works on the runs' <see cref="HistogramStats"/>
/// and names each histogram by its index in them, so the buckets can be read back later for just these steps. Keeps
/// only what is needed afterwards (the common steps, the grids in words, the report's chart columns): every step of
/// both runs would cost more than the rest of the tag's comparison.
/// </summary>
internal sealed class StepAlignment
{
    /// <summary>No steps at all: what a tag's alignment is replaced by once it has been used.</summary>
    public static StepAlignment Empty { get; } = new()
    {
        CommonSteps = [], CommonA = [], CommonB = [], GridA = string.Empty, GridB = string.Empty, OnlyInA = 0, OnlyInB = 0, ChartA = [], ChartB = [],
    };

    /// <summary>The steps both logged, ascending.</summary>
    public required long[] CommonSteps { get; init; }

    /// <summary>The index of run A's histogram at each common step.</summary>
    public required int[] CommonA { get; init; }

    /// <summary>The index of run B's histogram at each common step.</summary>
    public required int[] CommonB { get; init; }

    /// <summary>How run A logged the tag (<see cref="StepGrid.Describe"/>).</summary>
    public required string GridA { get; init; }

    /// <summary>How run B logged the tag.</summary>
    public required string GridB { get; init; }

    /// <summary>Steps only run A has.</summary>
    public required int OnlyInA { get; init; }

    /// <summary>Steps only run B has.</summary>
    public required int OnlyInB { get; init; }

    /// <summary>The index of run A's histogram at each step its distribution chart draws (<see cref="ChartSampling"/>).</summary>
    public required int[] ChartA { get; init; }

    /// <summary>The same for run B.</summary>
    public required int[] ChartB { get; init; }

    /// <summary>Pairs <paramref name="a"/> and <paramref name="b"/> by step.</summary>
    public static StepAlignment Align(IReadOnlyList<HistogramStats> a, IReadOnlyList<HistogramStats> b)
    {
        var (stepsA, lastA) = LastPerStep(a);
        var (stepsB, lastB) = LastPerStep(b);
        var common = new List<long>();
        var commonA = new List<int>();
        var commonB = new List<int>();
        int i = 0, j = 0;
        while (i < stepsA.Length && j < stepsB.Length)
        {
            long stepA = stepsA[i], stepB = stepsB[j];
            if (stepA == stepB)
            {
                common.Add(stepA);
                commonA.Add(lastA[i++]);
                commonB.Add(lastB[j++]);
            }
            else if (stepA < stepB)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return new StepAlignment
        {
            CommonSteps = [.. common],
            CommonA = [.. commonA],
            CommonB = [.. commonB],
            GridA = StepGrid.Describe(stepsA),
            GridB = StepGrid.Describe(stepsB),
            OnlyInA = stepsA.Length - common.Count,
            OnlyInB = stepsB.Length - common.Count,
            ChartA = [.. ChartSampling.DownsampleIndices(lastA.Length).Select(k => lastA[k])],
            ChartB = [.. ChartSampling.DownsampleIndices(lastB.Length).Select(k => lastB[k])],
        };
    }

    /// <summary>The distinct steps of <paramref name="points"/>, ascending, each with the index of its last value.</summary>
    public static (long[] Steps, int[] Last) LastPerStep(IReadOnlyList<HistogramStats> points)
    {
        var steps = new long[points.Count];
        var indices = new int[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            steps[i] = points[i].Step;
            indices[i] = i;
        }

        // The sort is not stable; the value read last at a step is the one with the largest index.
        Array.Sort(steps, indices);
        int distinct = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (distinct > 0 && steps[distinct - 1] == steps[i])
            {
                indices[distinct - 1] = Math.Max(indices[distinct - 1], indices[i]);
                continue;
            }

            steps[distinct] = steps[i];
            indices[distinct++] = indices[i];
        }

        return distinct == steps.Length ? (steps, indices) : (steps[..distinct], indices[..distinct]);
    }
}
