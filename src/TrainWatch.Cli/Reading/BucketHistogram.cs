namespace TrainWatch.Cli.Reading;

/// <summary>
/// One histogram, whatever form it was written in, as contiguous buckets: bucket <c>i</c> spans
/// <c>Edges[i]..Edges[i+1]</c> and holds <c>Cumulative[i+1] − Cumulative[i]</c> values. Gaps between a writer's buckets
/// become empty buckets; a bucket with equal edges is a point mass. Two arrays of k + 1 doubles: diff keeps hundreds of
/// thousands of these in memory.
/// </summary>
internal sealed class BucketHistogram(double[] edges, double[] cumulative, double sum, double sumSquares)
{
    /// <summary>Bucket edges, nondecreasing; one more than the buckets.</summary>
    public double[] Edges { get; } = edges;

    /// <summary>Running totals: <c>Cumulative[i]</c> values lie left of <c>Edges[i]</c>; the last is <see cref="Num"/>.</summary>
    public double[] Cumulative { get; } = cumulative;

    /// <summary>The number of buckets.</summary>
    public int BucketCount => Edges.Length - 1;

    /// <summary>The number of values.</summary>
    public double Num => Cumulative[^1];

    /// <summary>Their sum (exact when the writer recorded it, else from the buckets).</summary>
    public double Sum { get; } = sum;

    /// <summary>The sum of their squares (exact when the writer recorded it, else from the buckets).</summary>
    public double SumSquares { get; } = sumSquares;

    /// <summary>The smallest value (the first bucket's left edge).</summary>
    public double Min => Edges[0];

    /// <summary>The largest value (the last bucket's right edge).</summary>
    public double Max => Edges[^1];

    /// <summary>The mean.</summary>
    public double Mean => Sum / Num;

    /// <summary>The population standard deviation.</summary>
    public double StandardDeviation => Math.Sqrt(Math.Max(0, SumSquares / Num - Mean * Mean));

    /// <summary>The L2 norm of the values, <c>sqrt(sum of squares)</c>.</summary>
    public double Norm => Math.Sqrt(SumSquares);

    /// <summary>The values in bucket <paramref name="bucket"/>.</summary>
    public double CountOf(int bucket) => Cumulative[bucket + 1] - Cumulative[bucket];

    /// <summary>
    /// The value below which a fraction <paramref name="probability"/> of the values lie, with each bucket's values spread
    /// uniformly over it (the same model the diff distance uses).
    /// </summary>
    public double Quantile(double probability)
    {
        double target = Math.Clamp(probability, 0, 1) * Num;
        for (int i = 0; i < BucketCount; i++)
        {
            double count = CountOf(i);
            if (Cumulative[i + 1] >= target && count > 0)
            {
                double within = (target - Cumulative[i]) / count;
                return Edges[i] + (Edges[i + 1] - Edges[i]) * Math.Clamp(within, 0, 1);
            }
        }

        return Max;
    }
}
