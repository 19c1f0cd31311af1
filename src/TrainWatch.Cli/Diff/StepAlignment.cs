using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Diff;

/// <summary>
/// One tag's histograms of both runs, paired on the exact intersection of their steps. Runs sampled on different grids
/// are compared only where both logged (no nearest-step matching: a histogram 5 steps later is a different network).
/// When a run logged a step twice (a restart), the value read last wins.
/// </summary>
internal sealed class StepAlignment
{
    private StepAlignment(long[] stepsA, long[] stepsB, long[] common, BucketHistogram[] histogramsA, BucketHistogram[] histogramsB)
    {
        StepsA = stepsA;
        StepsB = stepsB;
        CommonSteps = common;
        HistogramsA = histogramsA;
        HistogramsB = histogramsB;
    }

    /// <summary>Every step run A logged the tag at, ascending.</summary>
    public long[] StepsA { get; }

    /// <summary>Every step run B logged the tag at, ascending.</summary>
    public long[] StepsB { get; }

    /// <summary>The steps both logged, ascending.</summary>
    public long[] CommonSteps { get; }

    /// <summary>Run A's histogram at each common step.</summary>
    public BucketHistogram[] HistogramsA { get; }

    /// <summary>Run B's histogram at each common step.</summary>
    public BucketHistogram[] HistogramsB { get; }

    /// <summary>Steps only run A has.</summary>
    public int OnlyInA => StepsA.Length - CommonSteps.Length;

    /// <summary>Steps only run B has.</summary>
    public int OnlyInB => StepsB.Length - CommonSteps.Length;

    /// <summary>Pairs <paramref name="a"/> and <paramref name="b"/> by step.</summary>
    public static StepAlignment Align(IReadOnlyList<HistogramPoint> a, IReadOnlyList<HistogramPoint> b)
    {
        var byStepA = LastPerStep(a);
        var byStepB = LastPerStep(b);
        var common = new List<long>();
        var histogramsA = new List<BucketHistogram>();
        var histogramsB = new List<BucketHistogram>();
        int i = 0, j = 0;
        while (i < byStepA.Count && j < byStepB.Count)
        {
            long stepA = byStepA.Keys[i], stepB = byStepB.Keys[j];
            if (stepA == stepB)
            {
                common.Add(stepA);
                histogramsA.Add(byStepA.Values[i++]);
                histogramsB.Add(byStepB.Values[j++]);
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

        return new StepAlignment([.. byStepA.Keys], [.. byStepB.Keys], [.. common], [.. histogramsA], [.. histogramsB]);
    }

    private static SortedList<long, BucketHistogram> LastPerStep(IReadOnlyList<HistogramPoint> points)
    {
        var byStep = new SortedList<long, BucketHistogram>(points.Count);
        foreach (var point in points)
        {
            byStep[point.Step] = point.Histogram;
        }

        return byStep;
    }
}
