namespace TrainWatch.Summaries;

/// <summary>
/// The tables behind the fast bucket index of <see cref="BucketCounter"/>: a value's top bits (sign, exponent and
/// 4 mantissa bits — a piecewise-linear log2) give the bucket of the smallest value with those bits, and one comparison
/// against the next limit corrects it. A key covers a ratio of at most 1 + 1/16 &lt; 1.1, so at most one limit falls
/// inside it and one correction is exact (the tests check this at the boundaries of every key).
/// </summary>
/// <remarks>
/// Two extra "trash" buckets follow the real ones: NaN and ±∞ land there without a branch, and the counter ignores
/// them (the statistics pass counts non-finite values separately).
/// </remarks>
internal static class BucketLookupTables
{
    /// <summary>Where NaN and −∞ land (and +∞ one further): past the real buckets, never written.</summary>
    public static readonly int TrashBucket = HistogramEdges.BucketCount;

    /// <summary>Counters per lane: the real buckets and the two trash buckets.</summary>
    public static readonly int CountersPerLane = HistogramEdges.BucketCount + 2;

    /// <summary>Floats are keyed by their top 13 bits: sign, 8 exponent bits, 4 mantissa bits.</summary>
    public const int FloatKeyShift = 32 - 13;

    /// <summary>Doubles are keyed by their top 16 bits: sign, 11 exponent bits, 4 mantissa bits.</summary>
    public const int DoubleKeyShift = 64 - 16;

    /// <summary>
    /// Per float key, packed in one entry so the lookup is a single load: the first bucket (high 32 bits) and the
    /// smallest float at or above that bucket's upper limit (low 32 bits), so <c>v &gt;= threshold</c> is exactly
    /// <c>(double)v &gt;= limit</c>.
    /// </summary>
    public static readonly ulong[] FloatEntries = BuildFloatEntries();

    /// <summary>Per double key, the first bucket.</summary>
    public static readonly ushort[] DoubleFirstBucket = BuildDoubleFirstBuckets();

    /// <summary>Per bucket, its upper limit: a double in it at or above this belongs to the next bucket.</summary>
    public static readonly double[] DoubleThresholds = BuildDoubleThresholds();

    private static ulong[] BuildFloatEntries()
    {
        var limits = HistogramEdges.Limits;
        var entries = new ulong[1 << (32 - FloatKeyShift)];
        for (int key = 0; key < entries.Length; key++)
        {
            uint bits = (uint)key << FloatKeyShift;
            bool negative = (bits & 0x8000_0000u) != 0;

            // The smallest value under a key: for negative keys the one with the largest magnitude.
            uint smallestBits = negative ? bits | ((1u << FloatKeyShift) - 1) : bits;
            float smallest = BitConverter.UInt32BitsToSingle(smallestBits);
            int bucket;
            float threshold;
            if (!float.IsFinite(smallest))
            {
                // NaN stays in the trash bucket; +∞ (≥ the threshold +∞) moves to the one after it.
                bucket = TrashBucket;
                threshold = float.PositiveInfinity;
            }
            else
            {
                bucket = FirstBucketAtOrAbove(limits, smallest);
                threshold = bucket < limits.Length - 1 ? SmallestFloatAtOrAbove(limits[bucket]) : float.PositiveInfinity;
            }

            entries[key] = ((ulong)(uint)bucket << 32) | BitConverter.SingleToUInt32Bits(threshold);
        }

        return entries;
    }

    private static ushort[] BuildDoubleFirstBuckets()
    {
        var limits = HistogramEdges.Limits;
        var table = new ushort[1 << (64 - DoubleKeyShift)];
        for (int key = 0; key < table.Length; key++)
        {
            ulong bits = (ulong)key << DoubleKeyShift;
            bool negative = (bits & 0x8000_0000_0000_0000UL) != 0;
            ulong smallestBits = negative ? bits | ((1UL << DoubleKeyShift) - 1) : bits;
            double smallest = BitConverter.UInt64BitsToDouble(smallestBits);
            table[key] = (ushort)(double.IsFinite(smallest) ? FirstBucketAtOrAbove(limits, smallest) : TrashBucket);
        }

        return table;
    }

    private static double[] BuildDoubleThresholds()
    {
        var limits = HistogramEdges.Limits;
        var thresholds = new double[TrashBucket + 1];
        for (int bucket = 0; bucket < thresholds.Length; bucket++)
        {
            // The last real bucket also takes double.MaxValue (TensorFlow clamps it there); the trash bucket keeps NaN
            // and −∞ and passes +∞ on.
            thresholds[bucket] = bucket < limits.Length - 1 ? limits[bucket] : double.PositiveInfinity;
        }

        return thresholds;
    }

    // The bucket a value falls in: the number of limits at or below it (a value equal to a limit opens the next bucket).
    private static int FirstBucketAtOrAbove(ReadOnlySpan<double> limits, double value)
    {
        int lo = 0, hi = limits.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (limits[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Min(lo, limits.Length - 1);
    }

    // For a float v, v >= limit exactly when v >= this float: the limit rounded up to a float.
    private static float SmallestFloatAtOrAbove(double limit)
    {
        float nearest = (float)limit;
        return nearest < limit ? MathF.BitIncrement(nearest) : nearest;
    }
}
