using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// The distance <c>diff</c> ranks and thresholds: W1 divided by the pooled root mean square of the two distributions,
/// <c>d = W1(A, B) / sqrt((E_A[x²] + E_B[x²]) / 2)</c>.
/// </summary>
/// <remarks>
/// Why this scale: it makes d unit-free, so one threshold fits layers whose weights are 1e-3 and layers whose
/// activations are 1e3; it is symmetric (diff A B equals diff B A); and it is bounded, 0 &lt;= d &lt;= 2, because
/// W1 &lt;= E|X| + E|Y| &lt;= RMS_A + RMS_B &lt;= 2·sqrt((RMS_A² + RMS_B²)/2). For zero-mean distributions with equal spread σ,
/// a shift of the whole distribution by δ gives d ≈ δ/σ; d = 1 means the runs differ by about their typical magnitude.
/// Unlike dividing by run A's std it stays finite when A is constant (a bias initialised to zero).
/// </remarks>
internal static class NormalizedDistance
{
    /// <summary>d(A, B); 0 when both distributions are all zeros.</summary>
    public static double Between(BucketHistogram a, BucketHistogram b)
    {
        double w1 = WassersteinDistance.Between(a, b);
        if (w1 == 0)
        {
            return 0;
        }

        double scale = Math.Sqrt((MeanSquare(a) + MeanSquare(b)) / 2);
        return w1 / scale;
    }

    // The writer's sum of squares when finite; else (it overflowed) the bucket edges still bound the values.
    private static double MeanSquare(BucketHistogram histogram)
    {
        double meanSquare = histogram.SumSquares / histogram.Num;
        if (double.IsFinite(meanSquare))
        {
            return meanSquare;
        }

        double bound = Math.Max(Math.Abs(histogram.Min), Math.Abs(histogram.Max));
        return bound * bound;
    }
}
