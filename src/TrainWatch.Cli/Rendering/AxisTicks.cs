using System.Globalization;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// Where a chart's axis gets its ticks and how their numbers are written: round values (1, 2 or 5 times a power of
/// ten; whole decades on a log axis), in the shortest form that tells them apart (<c>2e-5</c>, not <c>2.000E-005</c>),
/// so a label fits the margin instead of being clipped.
/// </summary>
internal static class AxisTicks
{
    /// <summary>About <paramref name="count"/> round values between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static IReadOnlyList<double> Linear(double min, double max, int count = 4)
    {
        if (!(max > min) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            return double.IsFinite(min) ? [min] : [];
        }

        // A round step can leave a single tick inside the range (±474 with a step of 500): then the next smaller one.
        double step = RoundStep((max - min) / count);
        var ticks = TicksEvery(min, max, step);
        for (int smaller = 0; smaller < 3 && ticks.Count < 3; smaller++)
        {
            step = SmallerRoundStep(step);
            ticks = TicksEvery(min, max, step);
        }

        return ticks;
    }

    private static List<double> TicksEvery(double min, double max, double step)
    {
        var ticks = new List<double>();
        for (double tick = Math.Ceiling(min / step) * step; tick <= max + step * 1e-9; tick += step)
        {
            ticks.Add(Math.Abs(tick) < step * 1e-9 ? 0 : tick); // no "-1e-17" where 0 is meant
        }

        return ticks;
    }

    // 5 → 2 → 1 → 0.5 ... times the power of ten.
    private static double SmallerRoundStep(double step)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        double mantissa = Math.Round(step / power);
        return mantissa >= 5 ? 2 * power : mantissa >= 2 ? power : power / 2;
    }

    /// <summary>Ticks of a log axis between <paramref name="min"/> and <paramref name="max"/> (both positive).</summary>
    public static IReadOnlyList<double> Logarithmic(double min, double max, int count = 5)
    {
        if (!(min > 0) || !(max > min))
        {
            return min > 0 ? [min] : [];
        }

        int low = (int)Math.Ceiling(Math.Log10(min) - 1e-9), high = (int)Math.Floor(Math.Log10(max) + 1e-9);
        if (high - low + 1 >= 2)
        {
            // Whole decades, every k-th when there are many.
            int every = Math.Max(1, (int)Math.Ceiling((high - low + 1) / (double)count));
            return Enumerable.Range(0, (high - low) / every + 1).Select(i => Math.Pow(10, low + i * every)).ToList();
        }

        // Less than two decades: 1, 2 and 5 times their powers of ten, else the linear ticks.
        var ticks = new List<double>();
        for (int exponent = low - 1; exponent <= high; exponent++)
        {
            foreach (double mantissa in new[] { 1.0, 2.0, 5.0 })
            {
                double tick = mantissa * Math.Pow(10, exponent);
                if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9))
                {
                    ticks.Add(tick);
                }
            }
        }

        return ticks.Count >= 2 ? ticks : Linear(min, max, count - 1).Where(t => t > 0).ToList();
    }

    /// <summary>A tick's label: <c>0</c>, <c>0.25</c>, <c>1500</c>, <c>2e-5</c>, <c>1.5e6</c>.</summary>
    public static string Format(double value)
    {
        var c = CultureInfo.InvariantCulture;
        if (value == 0 || !double.IsFinite(value))
        {
            return value == 0 ? "0" : value.ToString(c);
        }

        double magnitude = Math.Abs(value);
        if (magnitude >= 1e-2 && magnitude < 1e5)
        {
            // Three significant digits, never in E notation ("1000", not "1E+03").
            double scale = Math.Pow(10, 2 - (int)Math.Floor(Math.Log10(magnitude)));
            return (Math.Round(value * scale) / scale).ToString("0.####", c);
        }

        int exponent = (int)Math.Floor(Math.Log10(magnitude));
        double mantissa = value / Math.Pow(10, exponent);
        if (Math.Abs(Math.Round(mantissa, 1)) >= 10)
        {
            mantissa /= 10;
            exponent++;
        }

        return string.Create(c, $"{mantissa:0.#}e{exponent}");
    }

    private static double RoundStep(double raw)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }
}
