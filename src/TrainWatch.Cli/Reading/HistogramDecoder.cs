using TrainWatch.Protos;

namespace TrainWatch.Cli.Reading;

/// <summary>Turns both of TensorBoard's histogram forms into a <see cref="BucketHistogram"/>.</summary>
internal static class HistogramDecoder
{
    // Both take an optional arena: readers that keep many histograms pass one; without, each gets its own array.

    /// <summary>
    /// The legacy <see cref="HistogramProto"/>: bucket <c>i</c> spans <c>bucket_limit[i-1]..bucket_limit[i]</c>. As
    /// TensorBoard does when it migrates these, the first bucket starts at <c>min</c> and the last ends at <c>max</c>
    /// (the outer limits are often ±DBL_MAX). Null when empty or malformed.
    /// </summary>
    public static BucketHistogram? FromProto(HistogramProto proto, HistogramArena? arena = null)
    {
        if (proto.Bucket.Count == 0 || proto.BucketLimit.Count != proto.Bucket.Count || !(proto.Num > 0))
        {
            return null;
        }

        return FromWellFormedProto(proto, arena) ?? Build(new ProtoRows(proto), proto.Sum, proto.SumSquares, momentsKnown: true, arena);
    }

    // The common case in one pass (a diff decodes ~200,000 of these): occupied outer buckets, finite non-negative counts,
    // nondecreasing edges. Anything else returns null and takes the general path, which repairs what it can.
    private static BucketHistogram? FromWellFormedProto(HistogramProto proto, HistogramArena? arena)
    {
        var counts = proto.Bucket;
        var limits = proto.BucketLimit;
        int k = counts.Count;
        if (!(counts[0] > 0 && counts[k - 1] > 0 && double.IsFinite(proto.Min) && double.IsFinite(proto.Max)))
        {
            return null;
        }

        var (store, offset) = arena?.Allocate(2 * (k + 1)) ?? (new double[2 * (k + 1)], 0);
        var edges = store.AsSpan(offset, k + 1);
        var cumulative = store.AsSpan(offset + k + 1, k + 1);
        edges[0] = proto.Min;
        cumulative[0] = 0;
        double total = 0, previous = proto.Min;
        for (int i = 0; i < k; i++)
        {
            double count = counts[i];
            double right = i == k - 1 ? proto.Max : limits[i];
            if (!(count >= 0) || double.IsInfinity(count) || !(right >= previous) || double.IsInfinity(right))
            {
                return null;
            }

            total += count;
            edges[i + 1] = right;
            cumulative[i + 1] = total;
            previous = right;
        }

        return new BucketHistogram(store, offset, k + 1, proto.Sum, proto.SumSquares);
    }

    /// <summary>
    /// The TensorBoard 2.x form: a DT_FLOAT or DT_DOUBLE tensor of shape [k, 3] with rows <c>[left, right, count]</c>.
    /// Its moments are not stored; they are computed with each bucket's values spread uniformly. Null when empty or
    /// malformed.
    /// </summary>
    public static BucketHistogram? FromTensor(TensorProto tensor, HistogramArena? arena = null)
    {
        var dims = tensor.TensorShape?.Dim;
        if (dims is null || dims.Count != 2 || dims[1].Size != 3)
        {
            return null;
        }

        var values = TensorValues.ToDoubles(tensor);
        if (values is null || values.Length == 0)
        {
            return null;
        }

        return Build(new TensorRows(values), 0, 0, momentsKnown: false, arena);
    }

    // Generic over a struct so the JIT specialises the loops for each form: no intermediate arrays per histogram.
    private static BucketHistogram? Build<TRows>(TRows rows, double sum, double sumSquares, bool momentsKnown, HistogramArena? arena)
        where TRows : struct, IBucketRows
    {
        // Keep buckets that hold values and have finite edges; trim to the occupied range, as every writer does.
        int first = 0, last = rows.Count - 1;
        while (first <= last && !(IsUsable(rows, first) && rows.CountAt(first) > 0))
        {
            first++;
        }

        while (last >= first && !(IsUsable(rows, last) && rows.CountAt(last) > 0))
        {
            last--;
        }

        if (first > last)
        {
            return null;
        }

        // First pass: how many edges, counting an empty bucket for every gap between a bucket and the next.
        int edgeCount = 0;
        double previousRight = double.NaN;
        for (int i = first; i <= last; i++)
        {
            if (IsUsable(rows, i))
            {
                double left = edgeCount == 0 ? rows.LeftAt(i) : Math.Max(rows.LeftAt(i), previousRight);
                edgeCount += edgeCount == 0 || left > previousRight ? 2 : 1;
                previousRight = Math.Max(rows.RightAt(i), left);
            }
        }

        var (store, offset) = arena?.Allocate(2 * edgeCount) ?? (new double[2 * edgeCount], 0);
        var edges = store.AsSpan(offset, edgeCount);
        var cumulative = store.AsSpan(offset + edgeCount, edgeCount);
        int e = 0;
        double total = 0;
        for (int i = first; i <= last; i++)
        {
            if (!IsUsable(rows, i))
            {
                continue;
            }

            // Why clamp: writers disagree at the seams (min above the first limit, float rounding); overlap would break the CDF.
            double left = e == 0 ? rows.LeftAt(i) : Math.Max(rows.LeftAt(i), edges[e - 1]);
            double right = Math.Max(rows.RightAt(i), left);
            if (e == 0 || left > edges[e - 1])
            {
                // The first bucket's left edge, or the far side of a gap (an empty bucket).
                edges[e] = left;
                cumulative[e++] = total;
            }

            double count = rows.CountAt(i);
            total += count;
            edges[e] = right;
            cumulative[e++] = total;
            if (!momentsKnown)
            {
                sum += count * (left + right) / 2;
                sumSquares += count * (left * left + left * right + right * right) / 3;
            }
        }

        return total > 0 ? new BucketHistogram(store, offset, edgeCount, sum, sumSquares) : null;
    }

    private static bool IsUsable<TRows>(TRows rows, int i)
        where TRows : struct, IBucketRows
    {
        double count = rows.CountAt(i);
        return double.IsFinite(rows.LeftAt(i)) && double.IsFinite(rows.RightAt(i)) && count >= 0 && !double.IsInfinity(count);
    }

    private interface IBucketRows
    {
        int Count { get; }

        double LeftAt(int i);

        double RightAt(int i);

        double CountAt(int i);
    }

    // Edges are clipped to [min, max]: no value lies outside, and untrimmed protos (empty outer buckets kept) would
    // otherwise start the first occupied bucket at a limit far below the smallest value.
    private readonly struct ProtoRows(HistogramProto proto) : IBucketRows
    {
        private readonly bool _clip = proto.Min <= proto.Max && double.IsFinite(proto.Min) && double.IsFinite(proto.Max);

        public int Count => proto.Bucket.Count;

        public double LeftAt(int i) => i == 0 ? proto.Min : Clip(proto.BucketLimit[i - 1]);

        public double RightAt(int i) => i == proto.Bucket.Count - 1 ? proto.Max : Clip(proto.BucketLimit[i]);

        private double Clip(double edge) => _clip ? Math.Clamp(edge, proto.Min, proto.Max) : edge;

        public double CountAt(int i) => proto.Bucket[i];
    }

    private readonly struct TensorRows(double[] values) : IBucketRows
    {
        public int Count => values.Length / 3;

        public double LeftAt(int i) => values[3 * i];

        public double RightAt(int i) => values[3 * i + 1];

        public double CountAt(int i) => values[3 * i + 2];
    }
}
