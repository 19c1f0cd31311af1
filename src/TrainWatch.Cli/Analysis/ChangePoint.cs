namespace TrainWatch.Cli.Analysis;

/// <summary>Where a log-ratio series ln(B/A) leaves its own past: the onset, its departure, and the noise it beat.</summary>
/// <param name="Index">Index of the onset in the series.</param>
/// <param name="Step">The onset step.</param>
/// <param name="Departure">r at the onset minus the baseline (natural log; ±∞ when B turned non-finite or stopped).</param>
/// <param name="Baseline">Median of r over the window before the detection: the offset the runs had while healthy.</param>
/// <param name="Noise">Robust standard deviation of r's step-to-step changes over that window.</param>
/// <param name="DetectionStep">The step where the departure first exceeded the detection threshold.</param>
internal sealed record Onset(int Index, long Step, double Departure, double Baseline, double Noise, long DetectionStep);

/// <summary>
/// Change-point detection on r = ln(value_B / value_A) over common steps (see docs/cli.md, "Root cause").
/// Each point is judged against the points before it only (at most <see cref="Window"/>, at least
/// <see cref="MinimumBaseline"/>): baseline m = their median, noise σ = 1.4826 · median |Δr| / √2 (first differences,
/// so a constant offset between the runs, e.g. another init scale, is not noise, and the MAD ignores a few outliers).
/// Detection at point i: |r_i − m| &gt; max(ln 3, 6σ), with the next two points (where they exist) still beyond
/// max(ln 1.1, 4σ) on the same side — one noisy batch is not a divergence. The onset is then walked back from i over
/// the contiguous earlier points beyond that smaller threshold: the change point, not the step where it became obvious.
/// </summary>
internal static class ChangePoint
{
    /// <summary>Points before a candidate needed to judge it: fewer cannot give a median and a spread.</summary>
    public const int MinimumBaseline = 3;

    /// <summary>The baseline is the last this many points before the candidate (slow healthy drift is absorbed).</summary>
    public const int Window = 50;

    /// <summary>A departure must exceed this many noise σ to be detected (6σ: ~1e-9 per point if Gaussian).</summary>
    public const double DetectSigmas = 6;

    /// <summary>...and at least this factor between the runs (ln 3): smaller gaps are not a blow-up or a collapse.</summary>
    public static readonly double DetectMinimum = Math.Log(3);

    /// <summary>Points around the detection count as departed beyond this many σ (4σ: ~6e-5 per point if Gaussian).</summary>
    public const double ExtendSigmas = 4;

    /// <summary>...and at least this factor (ln 1.1), so bit-identical healthy prefixes (σ = 0) do not extend on rounding.</summary>
    public static readonly double ExtendMinimum = Math.Log(1.1);

    /// <summary>Points after the detection that must confirm it.</summary>
    public const int Confirmations = 2;

    /// <summary>The onset of <paramref name="logRatios"/> (NaN = not comparable at that step), or null.</summary>
    public static Onset? Find(IReadOnlyList<long> steps, IReadOnlyList<double> logRatios)
    {
        for (int i = 0; i < logRatios.Count; i++)
        {
            double r = logRatios[i];
            if (double.IsNaN(r) || CannotBeDetected(logRatios, i) || !TryBaseline(logRatios, i, out double baseline, out double noise))
            {
                continue;
            }

            double detect = Math.Max(DetectMinimum, DetectSigmas * noise);
            double extend = Math.Max(ExtendMinimum, ExtendSigmas * noise);
            double departure = r - baseline;
            if (!(Math.Abs(departure) > detect) || !Confirmed(logRatios, i, baseline, extend, Math.Sign(departure)))
            {
                continue;
            }

            int onset = i;
            for (int j = i - 1; j >= 0; j--)
            {
                double earlier = logRatios[j];
                if (double.IsNaN(earlier))
                {
                    continue;
                }

                if (!Beyond(earlier - baseline, extend, Math.Sign(departure)))
                {
                    break;
                }

                onset = j;
            }

            return new Onset(onset, steps[onset], logRatios[onset] - baseline, baseline, noise, steps[i]);
        }

        return null;
    }

    /// <summary>
    /// |r − m| at the first point at or after <paramref name="step"/>, m the baseline before that point: how far B
    /// departs from A there, in natural log units (0 when it cannot be judged).
    /// </summary>
    public static double DepartureAt(IReadOnlyList<long> steps, IReadOnlyList<double> logRatios, long step)
    {
        int index = LowerBound(steps, step);
        if (index >= logRatios.Count || double.IsNaN(logRatios[index]))
        {
            return 0;
        }

        return TryBaseline(logRatios, index, out double baseline, out _) ? Math.Abs(logRatios[index] - baseline) : 0;
    }

    // Why: the median of the window lies between its smallest and largest value, so a point within ln 3 of both can
    // never be |r − m| > ln 3 away; checking that costs a pass over the window instead of two sorts, and skips
    // nearly every point of a long healthy run (diff runs this for every tag and layer).
    private static bool CannotBeDetected(IReadOnlyList<double> logRatios, int i)
    {
        double r = logRatios[i];
        if (double.IsInfinity(r))
        {
            return false;
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        int seen = 0;
        for (int j = i - 1; j >= 0 && seen < Window; j--)
        {
            double earlier = logRatios[j];
            if (double.IsFinite(earlier))
            {
                min = Math.Min(min, earlier);
                max = Math.Max(max, earlier);
                seen++;
            }
        }

        return seen >= MinimumBaseline && r - min <= DetectMinimum && max - r <= DetectMinimum;
    }

    private static bool Confirmed(IReadOnlyList<double> logRatios, int i, double baseline, double extend, int sign)
    {
        int seen = 0;
        for (int j = i + 1; j < logRatios.Count && seen < Confirmations; j++)
        {
            if (double.IsNaN(logRatios[j]))
            {
                continue;
            }

            if (!Beyond(logRatios[j] - baseline, extend, sign))
            {
                return false;
            }

            seen++;
        }

        return true;
    }

    private static bool Beyond(double departure, double threshold, int sign) =>
        Math.Sign(departure) == sign && Math.Abs(departure) > threshold;

    private static bool TryBaseline(IReadOnlyList<double> logRatios, int before, out double baseline, out double noise)
    {
        var window = new List<double>(Window);
        for (int j = before - 1; j >= 0 && window.Count < Window; j--)
        {
            if (double.IsFinite(logRatios[j]))
            {
                window.Add(logRatios[j]);
            }
        }

        baseline = noise = 0;
        if (window.Count < MinimumBaseline)
        {
            return false;
        }

        window.Reverse();
        var changes = new double[window.Count - 1];
        for (int j = 1; j < window.Count; j++)
        {
            changes[j - 1] = Math.Abs(window[j] - window[j - 1]);
        }

        baseline = Median([.. window]);
        noise = 1.4826 * Median(changes) / Math.Sqrt(2);
        return true;
    }

    // Sorts its argument.
    private static double Median(double[] values)
    {
        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static int LowerBound(IReadOnlyList<long> steps, long step)
    {
        int low = 0, high = steps.Count;
        while (low < high)
        {
            int mid = (low + high) / 2;
            if (steps[mid] < step)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
