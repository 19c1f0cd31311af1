using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// r = ln(B / A) of one positive quantity (a norm, a loss) at the steps where it can be compared, with its onset.
/// A step counts when A has a finite value there and B either has a value or stopped logging this series while the
/// rest of run B went on (an all-NaN tensor writes no histogram: the series just stops). B non-finite or stopped is
/// r = +∞, B zero where A is not is −∞: both are as far apart as runs get.
/// </summary>
internal sealed class LogRatioSeries
{
    private LogRatioSeries(string tag, long[] steps, double[] logRatios, SortedList<long, double> valuesA, SortedList<long, double> valuesB)
    {
        Tag = tag;
        ChartA = ChartSampling.NormChart(valuesA);
        ChartB = ChartSampling.NormChart(valuesB);
        Steps = steps;
        LogRatios = logRatios;
        Onset = ChangePoint.Find(steps, logRatios);
    }

    /// <summary>The tag the values came from (in run A).</summary>
    public string Tag { get; }

    /// <summary>
    /// Run A's values as the report's chart draws them (<see cref="ChartSampling.NormChart"/>). Not every value: a diff
    /// keeps a series per layer and tag, and the values of every step would be most of its memory.
    /// </summary>
    public IReadOnlyList<KeyValuePair<long, double>> ChartA { get; }

    /// <summary>Run B's values as the chart draws them.</summary>
    public IReadOnlyList<KeyValuePair<long, double>> ChartB { get; }

    /// <summary>The compared steps, ascending.</summary>
    public long[] Steps { get; }

    /// <summary>ln(B/A) at each step; NaN where not comparable (A ≤ 0 with B finite and positive, for example).</summary>
    public double[] LogRatios { get; }

    /// <summary>Where B leaves A, or null.</summary>
    public Onset? Onset { get; }

    /// <summary>How far B departs from A at <paramref name="step"/> (natural log units).</summary>
    public double DepartureAt(long step) => ChangePoint.DepartureAt(Steps, LogRatios, step);

    /// <summary>B/A at the step (e^r).</summary>
    public double RatioAt(long step)
    {
        int index = Array.BinarySearch(Steps, step);
        return index >= 0 ? Math.Exp(LogRatios[index]) : double.NaN;
    }

    /// <summary>Pairs two series of values per step (the last value per step wins, as everywhere in diff).</summary>
    /// <param name="tag">Names the series.</param>
    /// <param name="a">Run A's values.</param>
    /// <param name="b">Run B's values.</param>
    /// <param name="stepsOfB">Every step run B logged anything at: tells "B stopped this series" from "B ended".</param>
    public static LogRatioSeries Compare(string tag, SortedList<long, double> a, SortedList<long, double> b, IReadOnlySet<long> stepsOfB)
    {
        long lastOfB = b.Count > 0 ? b.Keys[^1] : long.MinValue;
        var steps = new List<long>(a.Count);
        var ratios = new List<double>(a.Count);
        foreach (var (step, valueA) in a)
        {
            if (!double.IsFinite(valueA))
            {
                continue;
            }

            if (b.TryGetValue(step, out double valueB))
            {
                steps.Add(step);
                ratios.Add(LogRatio(Math.Abs(valueA), double.IsFinite(valueB) ? Math.Abs(valueB) : double.PositiveInfinity));
            }
            else if (step > lastOfB && stepsOfB.Contains(step))
            {
                steps.Add(step);
                ratios.Add(double.PositiveInfinity);
            }
        }

        return new LogRatioSeries(tag, [.. steps], [.. ratios], a, b);
    }

    /// <summary>A histogram tag's L2 norms, last per step (+∞ when the sum of squares overflowed).</summary>
    public static SortedList<long, double> Norms(IEnumerable<HistogramStats> points)
    {
        var byStep = new SortedList<long, double>();
        foreach (var point in points)
        {
            byStep[point.Step] = point.Norm;
        }

        return byStep;
    }

    /// <summary>A scalar tag's values, last per step.</summary>
    public static SortedList<long, double> Values(IEnumerable<ScalarPoint> points)
    {
        var byStep = new SortedList<long, double>();
        foreach (var point in points)
        {
            byStep[point.Step] = point.Value;
        }

        return byStep;
    }

    /// <summary>Every step a run logged a kept scalar or histogram at.</summary>
    public static HashSet<long> StepsOf(RunData run)
    {
        var steps = new HashSet<long>();
        foreach (var points in run.HistogramStats.Values)
        {
            steps.UnionWith(points.Select(p => p.Step));
        }

        foreach (var points in run.Scalars.Values)
        {
            steps.UnionWith(points.Select(p => p.Step));
        }

        return steps;
    }

    private static double LogRatio(double a, double b) => (a, b) switch
    {
        (0, 0) => 0,
        (0, _) => double.PositiveInfinity,
        (_, 0) => double.NegativeInfinity,
        _ => Math.Log(b) - Math.Log(a),
    };
}
