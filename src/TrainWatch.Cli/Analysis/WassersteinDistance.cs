using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// The Wasserstein-1 (earth mover's) distance between two bucketed distributions, with each bucket's values spread
/// uniformly over <c>[left, right]</c> (a zero-width bucket is a point mass).
/// </summary>
/// <remarks>
/// W1 is the integral of |CDF_A − CDF_B|. Under the uniform-bucket model both CDFs are piecewise linear with breaks
/// only at bucket edges, so on every interval between consecutive edges of the union their difference is linear and
/// its absolute integral has a closed form: the result is exact for the model, in O(k_A + k_B).
/// </remarks>
internal static class WassersteinDistance
{
    /// <summary>W1 between <paramref name="a"/> and <paramref name="b"/>, in the units of the values.</summary>
    public static double Between(BucketHistogram a, BucketHistogram b)
    {
        var cdfA = new CdfCursor(a);
        var cdfB = new CdfCursor(b);
        double x = Math.Min(cdfA.FirstX, cdfB.FirstX);
        double differenceAfterX = cdfA.RightLimit(x) - cdfB.RightLimit(x);
        double total = 0;
        while (true)
        {
            double next = Math.Min(cdfA.NextBreakAfterLastRightLimit, cdfB.NextBreakAfterLastRightLimit);
            if (double.IsPositiveInfinity(next))
            {
                return total;
            }

            double differenceBeforeNext = cdfA.LeftLimit(next) - cdfB.LeftLimit(next);
            total += IntegralOfAbsoluteLinear(differenceAfterX, differenceBeforeNext, next - x);
            differenceAfterX = cdfA.RightLimit(next) - cdfB.RightLimit(next);
            x = next;
        }
    }

    /// <summary>∫₀ʷ |d(t)| dt for d linear from <paramref name="start"/> to <paramref name="end"/>.</summary>
    internal static double IntegralOfAbsoluteLinear(double start, double end, double width)
    {
        if (start * end >= 0)
        {
            return width * (Math.Abs(start) + Math.Abs(end)) / 2;
        }

        // The difference crosses zero inside: two triangles.
        return width * (start * start + end * end) / (2 * (Math.Abs(start) + Math.Abs(end)));
    }

    /// <summary>
    /// A piecewise-linear CDF with breakpoints (Edges[i], Cumulative[i] / Num): x nondecreasing, a repeated x is a jump
    /// (a point mass). Evaluated at increasing x with forward-only indices, so a whole sweep is linear, and without
    /// copying the histogram.
    /// </summary>
    private ref struct CdfCursor(BucketHistogram histogram)
    {
        private readonly ReadOnlySpan<double> _x = histogram.Edges;
        private readonly ReadOnlySpan<double> _cumulative = histogram.Cumulative;
        private readonly double _num = histogram.Num;
        private int _atOrBelow;  // breakpoints with x <= the last RightLimit argument
        private int _below;      // breakpoints with x <  the last LeftLimit argument

        public readonly double FirstX => _x[0];

        /// <summary>The smallest breakpoint greater than the last <see cref="RightLimit"/> argument, or +∞.</summary>
        public readonly double NextBreakAfterLastRightLimit => _atOrBelow < _x.Length ? _x[_atOrBelow] : double.PositiveInfinity;

        /// <summary>lim CDF(t) for t ↓ x.</summary>
        public double RightLimit(double x)
        {
            while (_atOrBelow < _x.Length && _x[_atOrBelow] <= x)
            {
                _atOrBelow++;
            }

            return Interpolate(_atOrBelow, x);
        }

        /// <summary>lim CDF(t) for t ↑ x.</summary>
        public double LeftLimit(double x)
        {
            while (_below < _x.Length && _x[_below] < x)
            {
                _below++;
            }

            return Interpolate(_below, x);
        }

        // Breakpoints [index-1] and [index] bracket x with distinct x values (or x lies outside all of them).
        private readonly double Interpolate(int index, double x)
        {
            if (index == 0)
            {
                return 0;
            }

            if (index == _x.Length)
            {
                return 1;
            }

            double x0 = _x[index - 1], x1 = _x[index];
            double f0 = _cumulative[index - 1] / _num, f1 = _cumulative[index] / _num;
            return x1 > x0 ? f0 + (f1 - f0) * ((x - x0) / (x1 - x0)) : f0;
        }
    }
}
