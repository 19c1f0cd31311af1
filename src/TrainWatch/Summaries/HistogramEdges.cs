namespace TrainWatch.Summaries;

/// <summary>
/// TensorFlow's default histogram bucket limits, the ones tensorboardX, PyTorch and TorchSharp use too:
/// 1e-12 × 1.1^k up to 1e20, mirrored to the negative side, zero in the middle, and <see cref="double.MaxValue"/> as the
/// last limit. Fixed edges keep every step of a series comparable (data-dependent bins make steps incomparable).
/// </summary>
/// <remarks>
/// Bucket <c>i</c> holds values <c>v</c> with <c>Limits[i-1] &lt;= v &lt; Limits[i]</c> (bucket 0 starts at
/// <c>-double.MaxValue</c>), as in TensorFlow's <c>Histogram::Add</c>. The bucket of a value is found through a
/// 65,536-entry table keyed by the top 16 bits of its IEEE-754 pattern (sign, exponent, 4 mantissa bits): each key
/// covers a ratio of at most 1 + 1/16 &lt; 1.1, so at most one limit falls inside it and one comparison finishes the
/// job. That replaces an 11-step binary search per element.
/// </remarks>
public static class HistogramEdges
{
    private const int KeyShift = 48;
    private static readonly double[] s_limits = BuildLimits();
    private static readonly ushort[] s_firstBucketOfKey = BuildKeyTable(s_limits);

    /// <summary>The bucket limits (1,550: 774 negative, zero, 774 positive, and <see cref="double.MaxValue"/>).</summary>
    public static ReadOnlySpan<double> Limits => s_limits;

    /// <summary>The number of buckets (one per limit).</summary>
    public static int BucketCount => s_limits.Length;

    /// <summary>The bucket a finite value falls in.</summary>
    public static int BucketOf(double value)
    {
        int bucket = s_firstBucketOfKey[(int)((ulong)BitConverter.DoubleToInt64Bits(value) >> KeyShift)];
        var limits = s_limits;
        while (bucket < limits.Length && value >= limits[bucket])
        {
            bucket++;
        }

        // double.MaxValue itself lands past the last limit; TensorFlow clamps it into the last bucket too.
        return Math.Min(bucket, limits.Length - 1);
    }

    /// <summary>The bucket of <paramref name="value"/> by binary search: the reference the table must agree with.</summary>
    internal static int BucketOfBySearch(double value)
    {
        int lo = 0, hi = s_limits.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (s_limits[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Min(lo, s_limits.Length - 1);
    }

    private static double[] BuildLimits()
    {
        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1)
        {
            positive.Add(v);
        }

        var limits = new double[positive.Count * 2 + 2];
        for (int i = 0; i < positive.Count; i++)
        {
            limits[positive.Count - 1 - i] = -positive[i];
            limits[positive.Count + 1 + i] = positive[i];
        }

        limits[positive.Count] = 0.0;
        limits[^1] = double.MaxValue;
        return limits;
    }

    private static ushort[] BuildKeyTable(double[] limits)
    {
        var table = new ushort[1 << 16];
        for (int key = 0; key < table.Length; key++)
        {
            ulong bits = (ulong)key << KeyShift;
            bool negative = (key & 0x8000) != 0;

            // The smallest value under a key: for negative keys the one with the largest magnitude.
            ulong smallest = negative ? bits | ((1UL << KeyShift) - 1) : bits;
            double value = BitConverter.Int64BitsToDouble((long)smallest);
            table[key] = double.IsFinite(value) ? (ushort)UpperBound(limits, value) : (ushort)0;
        }

        return table;
    }

    private static int UpperBound(double[] limits, double value)
    {
        int index = Array.BinarySearch(limits, value);
        if (index < 0)
        {
            return ~index;
        }

        // Equal to a limit: the value belongs to the bucket that limit opens.
        while (index < limits.Length && limits[index] <= value)
        {
            index++;
        }

        return index;
    }
}
