using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Flags a tag whose L2 norm, sqrt(sum of squares), grows exponentially in one run: the least-squares slope of
/// ln(norm) against step, fitted on the last half of the run's histograms (at least <see cref="MinimumPoints"/>), says
/// the norm multiplies by at least <c>factor</c> (default 10) across that window. The last half, because a
/// network that explodes usually trains normally first and a fit over the whole run would dilute it. A tag whose values
/// became NaN or ±∞ (the writer's <c>&lt;tag&gt;/nan_count</c>, <c>pos_inf_count</c> or <c>neg_inf_count</c> scalars, or an
/// infinite sum of squares) is flagged too.
/// </summary>
internal static class ExplosionDetector
{
    /// <summary>Fewer histograms than this cannot show a trend.</summary>
    public const int MinimumPoints = 4;

    /// <summary>The default growth factor over the window that counts as exploding.</summary>
    public const double DefaultFactor = 10;

    /// <summary>The finding for one tag of one run, or null when its norm is tame.</summary>
    /// <param name="run">"A" or "B", for the finding's words.</param>
    /// <param name="tag">The histogram tag.</param>
    /// <param name="data">The run's histograms and scalars.</param>
    /// <param name="factor">Growth over the window that counts as exploding.</param>
    /// <param name="onsetStep">
    /// Where this run's norm left the other run's (the diff's change point), if known: the window then starts there, so
    /// the report's explosion and its onset name one step (a window starting at the run's half would start before a
    /// late blow-up, or after an early one).
    /// </param>
    public static ExplosionFinding? Examine(string run, string tag, RunData data, double factor, long? onsetStep = null)
    {
        IReadOnlyList<HistogramStats> points = data.HistogramStats.GetValueOrDefault(tag) ?? (IReadOnlyList<HistogramStats>)[];
        long? nonFiniteStep = FirstNonFiniteStep(tag, data, points);

        // Only finite, positive norms can be fitted on a log scale; last value wins per step.
        var byStep = new SortedList<long, double>();
        foreach (var point in points)
        {
            double norm = point.Norm;
            if (double.IsFinite(norm) && norm > 0)
            {
                byStep[point.Step] = norm;
            }
        }

        double growth = 1;
        long from = 0, to = 0;
        if (byStep.Count >= MinimumPoints)
        {
            int start = Math.Min(byStep.Count / 2, byStep.Count - MinimumPoints);
            from = byStep.Keys[start];
            to = byStep.Keys[^1];
            growth = Math.Exp(LogSlope(byStep, start) * (to - from));
        }

        if (growth < factor && nonFiniteStep is null)
        {
            return null;
        }

        // Flagged on the run's own last half; described from the onset on, when two points of the window follow it.
        int fromOnset = onsetStep is { } onset ? FirstIndexAtOrAfter(byStep, onset) : byStep.Count;
        if (byStep.Count - fromOnset >= 2)
        {
            from = byStep.Keys[fromOnset];
            to = byStep.Keys[^1];
            growth = Math.Exp(LogSlope(byStep, fromOnset) * (to - from));
        }

        return new ExplosionFinding(run, growth, from, to, nonFiniteStep);
    }

    private static int FirstIndexAtOrAfter(SortedList<long, double> byStep, long step)
    {
        int index = 0;
        while (index < byStep.Count && byStep.Keys[index] < step)
        {
            index++;
        }

        return index;
    }

    // Least-squares slope of ln(norm) over step for the points from `start` on.
    private static double LogSlope(SortedList<long, double> byStep, int start)
    {
        int n = byStep.Count - start;
        double meanStep = 0, meanLog = 0;
        for (int i = start; i < byStep.Count; i++)
        {
            meanStep += byStep.Keys[i];
            meanLog += Math.Log(byStep.Values[i]);
        }

        meanStep /= n;
        meanLog /= n;
        double covariance = 0, variance = 0;
        for (int i = start; i < byStep.Count; i++)
        {
            double dx = byStep.Keys[i] - meanStep;
            covariance += dx * (Math.Log(byStep.Values[i]) - meanLog);
            variance += dx * dx;
        }

        return variance > 0 ? covariance / variance : 0;
    }

    private static long? FirstNonFiniteStep(string tag, RunData data, IReadOnlyList<HistogramStats> points)
    {
        long? first = null;
        foreach (string suffix in LayerTags.HistogramNonFiniteSuffixes)
        {
            if (data.Tags.TryGetValue(tag + suffix, out var info) && info.Count > 0)
            {
                first = Math.Min(first ?? long.MaxValue, info.FirstStep);
            }
        }

        foreach (var point in points)
        {
            if (!double.IsFinite(point.SumSquares))
            {
                first = Math.Min(first ?? long.MaxValue, point.Step);
                break;
            }
        }

        return first;
    }
}
