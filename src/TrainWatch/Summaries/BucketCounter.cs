using System.Runtime.InteropServices;

namespace TrainWatch.Summaries;

/// <summary>
/// Counts values into TensorBoard's default exponential buckets with one table load and one comparison per value
/// (see <see cref="BucketLookupTables"/>). No branch depends on the data: NaN and ±∞ go to trash buckets.
/// </summary>
/// <remarks>
/// Consecutive values go to <see cref="Lanes"/> separate counters per bucket (bucket × lanes + lane): real data puts
/// neighbours in the same bucket, and increments of one counter in a row wait on each other's store.
/// </remarks>
internal static class BucketCounter
{
    /// <summary>Independent counters per bucket.</summary>
    public const int Lanes = 4;

    /// <summary>The size of the counter array <see cref="Count(ReadOnlySpan{float}, Span{int})"/> adds into.</summary>
    public static int CounterLength => BucketLookupTables.CountersPerLane * Lanes;

    /// <summary>Adds each value's bucket to <paramref name="counters"/> (bucket × <see cref="Lanes"/> + lane).</summary>
    public static void Count(ReadOnlySpan<float> values, Span<int> counters)
    {
        ReadOnlySpan<ulong> entries = BucketLookupTables.FloatEntries;
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(values);
        counters = counters[..CounterLength];
        int i = 0;
        for (; i + Lanes <= bits.Length; i += Lanes)
        {
            // One bounds check per four values, not one per value.
            var four = bits.Slice(i, Lanes);
            counters[(BucketOf(entries, four[0]) * Lanes) + 0]++;
            counters[(BucketOf(entries, four[1]) * Lanes) + 1]++;
            counters[(BucketOf(entries, four[2]) * Lanes) + 2]++;
            counters[(BucketOf(entries, four[3]) * Lanes) + 3]++;
        }

        for (; i < bits.Length; i++)
        {
            counters[BucketOf(entries, bits[i]) * Lanes]++;
        }
    }

    /// <inheritdoc cref="Count(ReadOnlySpan{float}, Span{int})"/>
    public static void Count(ReadOnlySpan<double> values, Span<int> counters)
    {
        ReadOnlySpan<ushort> firstBucket = BucketLookupTables.DoubleFirstBucket;
        ReadOnlySpan<double> thresholds = BucketLookupTables.DoubleThresholds;
        ReadOnlySpan<ulong> bits = MemoryMarshal.Cast<double, ulong>(values);
        counters = counters[..CounterLength];
        int i = 0;
        for (; i + Lanes <= bits.Length; i += Lanes)
        {
            var four = bits.Slice(i, Lanes);
            counters[(BucketOf(firstBucket, thresholds, four[0]) * Lanes) + 0]++;
            counters[(BucketOf(firstBucket, thresholds, four[1]) * Lanes) + 1]++;
            counters[(BucketOf(firstBucket, thresholds, four[2]) * Lanes) + 2]++;
            counters[(BucketOf(firstBucket, thresholds, four[3]) * Lanes) + 3]++;
        }

        for (; i < bits.Length; i++)
        {
            counters[BucketOf(firstBucket, thresholds, bits[i]) * Lanes]++;
        }
    }

    /// <summary>Adds the lanes of <paramref name="counters"/> into <paramref name="totals"/> (one per real bucket).</summary>
    public static void AddLanes(ReadOnlySpan<int> counters, Span<long> totals)
    {
        for (int bucket = 0; bucket < totals.Length; bucket++)
        {
            var lanes = counters.Slice(bucket * Lanes, Lanes);
            totals[bucket] += (long)lanes[0] + lanes[1] + lanes[2] + lanes[3];
        }
    }

    /// <summary>The bucket of one float, trash buckets included; the reference is <see cref="HistogramEdges.BucketOf"/>.</summary>
    public static int BucketOf(float value) =>
        BucketOf(BucketLookupTables.FloatEntries, BitConverter.SingleToUInt32Bits(value));

    /// <summary>The bucket of one double, trash buckets included.</summary>
    public static int BucketOf(double value) =>
        BucketOf(BucketLookupTables.DoubleFirstBucket, BucketLookupTables.DoubleThresholds, BitConverter.DoubleToUInt64Bits(value));

    private static int BucketOf(ReadOnlySpan<ulong> entries, uint bits)
    {
        ulong entry = entries[(int)(bits >> BucketLookupTables.FloatKeyShift)];
        float threshold = BitConverter.UInt32BitsToSingle((uint)entry);
        return (int)(entry >> 32) + (BitConverter.UInt32BitsToSingle(bits) >= threshold ? 1 : 0);
    }

    private static int BucketOf(ReadOnlySpan<ushort> firstBucket, ReadOnlySpan<double> thresholds, ulong bits)
    {
        int bucket = firstBucket[(int)(bits >> BucketLookupTables.DoubleKeyShift)];
        return bucket + (BitConverter.UInt64BitsToDouble(bits) >= thresholds[bucket] ? 1 : 0);
    }
}
