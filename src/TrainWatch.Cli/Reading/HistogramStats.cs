namespace TrainWatch.Cli.Reading;

/// <summary>
/// One histogram reduced to what <c>diff</c> needs at every step of a run, not only the common ones: its step and its
/// sum of squares (the norm, for the root cause, the explosion fit and NaN/Inf). 16 bytes instead of the ~1 KB of a
/// 64-bucket histogram, so diff's memory follows the number of histograms, not their buckets; the buckets themselves
/// are read again, pair by pair, for the distances (see <see cref="HistogramReplay"/>).
/// </summary>
/// <param name="Step">The training step.</param>
/// <param name="SumSquares">The sum of the squared values (as <see cref="BucketHistogram.SumSquares"/>).</param>
internal readonly record struct HistogramStats(long Step, double SumSquares)
{
    /// <summary>The L2 norm of the values, computed as <see cref="BucketHistogram.Norm"/> is.</summary>
    public double Norm => Math.Sqrt(SumSquares);

    /// <summary>The stats of <paramref name="histogram"/> at <paramref name="step"/>.</summary>
    public static HistogramStats Of(long step, BucketHistogram histogram) => new(step, histogram.SumSquares);
}
