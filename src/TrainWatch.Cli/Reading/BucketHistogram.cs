namespace TrainWatch.Cli.Reading;

/// <summary>
/// One histogram, whatever form it was written in, as contiguous buckets: bucket <c>i</c> spans
/// <c>Edges[i]..Edges[i+1]</c> and holds <c>Cumulative[i+1] − Cumulative[i]</c> values. Gaps between a writer's buckets
/// become empty buckets; a bucket with equal edges is a point mass. Two arrays of k + 1 doubles: diff keeps hundreds of
/// thousands of these in memory, so both live side by side in a slice of a shared store (see <see cref="HistogramArena"/>),
/// and the histogram itself is a struct: no per-histogram object for the garbage collector to copy.
/// </summary>
/// <param name="store">Holds the edges at <paramref name="offset"/> followed by as many running totals.</param>
/// <param name="offset">Where this histogram's data starts in <paramref name="store"/>.</param>
/// <param name="edgeCount">The number of edges (buckets + 1).</param>
/// <param name="sum">The sum of the values.</param>
/// <param name="sumSquares">The sum of their squares.</param>
internal readonly struct BucketHistogram(double[] store, int offset, int edgeCount, double sum, double sumSquares)
{
    /// <summary>Bucket edges, nondecreasing; one more than the buckets.</summary>
    public ReadOnlySpan<double> Edges => store.AsSpan(offset, edgeCount);

    /// <summary>Running totals: <c>Cumulative[i]</c> values lie left of <c>Edges[i]</c>; the last is <see cref="Num"/>.</summary>
    public ReadOnlySpan<double> Cumulative => store.AsSpan(offset + edgeCount, edgeCount);

    /// <summary>The number of buckets.</summary>
    public int BucketCount => edgeCount - 1;

    /// <summary>The number of values.</summary>
    public double Num => store[offset + 2 * edgeCount - 1];

    /// <summary>Their sum (exact when the writer recorded it, else from the buckets).</summary>
    public double Sum { get; } = sum;

    /// <summary>The sum of their squares (exact when the writer recorded it, else from the buckets).</summary>
    public double SumSquares { get; } = sumSquares;

    /// <summary>The smallest value (the first bucket's left edge).</summary>
    public double Min => store[offset];

    /// <summary>The largest value (the last bucket's right edge).</summary>
    public double Max => store[offset + edgeCount - 1];

    /// <summary>The mean.</summary>
    public double Mean => Sum / Num;

    /// <summary>The population standard deviation.</summary>
    public double StandardDeviation => Math.Sqrt(Math.Max(0, SumSquares / Num - Mean * Mean));

    /// <summary>The L2 norm of the values, <c>sqrt(sum of squares)</c>.</summary>
    public double Norm => Math.Sqrt(SumSquares);

    /// <summary>The values in bucket <paramref name="bucket"/>.</summary>
    public double CountOf(int bucket) => store[offset + edgeCount + bucket + 1] - store[offset + edgeCount + bucket];

    /// <summary>
    /// The value below which a fraction <paramref name="probability"/> of the values lie, with each bucket's values spread
    /// uniformly over it (the same model the diff distance uses).
    /// </summary>
    public double Quantile(double probability)
    {
        double target = Math.Clamp(probability, 0, 1) * Num;
        var edges = Edges;
        var cumulative = Cumulative;
        for (int i = 0; i < BucketCount; i++)
        {
            double count = cumulative[i + 1] - cumulative[i];
            if (cumulative[i + 1] >= target && count > 0)
            {
                double within = (target - cumulative[i]) / count;
                return edges[i] + (edges[i + 1] - edges[i]) * Math.Clamp(within, 0, 1);
            }
        }

        return Max;
    }
}
