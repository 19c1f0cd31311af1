using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainWatch.Summaries;

/// <summary>
/// Counts values into TensorBoard's default exponential buckets with one table load and one comparison per value
/// (see <see cref="BucketLookupTables"/>). No branch depends on the data: NaN and ±∞ go to trash buckets.
/// </summary>
/// <remarks>
/// Consecutive values go to <see cref="Lanes"/> separate sets of counters (lane × counters per lane + bucket): real
/// data puts neighbours in the same bucket, and increments of one counter in a row wait on each other's store.
/// </remarks>
internal static class BucketCounter
{
    /// <summary>Independent counters per bucket.</summary>
    public const int Lanes = 4;

    /// <summary>The size of the counter array <see cref="Count(ReadOnlySpan{float}, Span{int})"/> adds into.</summary>
    public static int CounterLength => BucketLookupTables.CountersPerLane * Lanes;

    /// <summary>Adds each value's bucket to <paramref name="counters"/> (lane × counters per lane + bucket).</summary>
    // Hot from the first call, so compiled fully optimised at once rather than first in the unoptimised tier.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(ReadOnlySpan<float> values, Span<int> counters)
    {
        ReadOnlySpan<ulong> entries = BucketLookupTables.FloatEntries;
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(values);
        int perLane = BucketLookupTables.CountersPerLane;
        var lane0 = counters[..perLane];
        var lane1 = counters.Slice(perLane, perLane);
        var lane2 = counters.Slice(perLane * 2, perLane);
        var lane3 = counters.Slice(perLane * 3, perLane);
        int i = 0;
        for (; i + Lanes <= bits.Length; i += Lanes)
        {
            // One bounds check per four values, not one per value.
            var four = bits.Slice(i, Lanes);
            lane0[BucketOf(entries, four[0])]++;
            lane1[BucketOf(entries, four[1])]++;
            lane2[BucketOf(entries, four[2])]++;
            lane3[BucketOf(entries, four[3])]++;
        }

        for (; i < bits.Length; i++)
        {
            lane0[BucketOf(entries, bits[i])]++;
        }
    }

    /// <inheritdoc cref="Count(ReadOnlySpan{float}, Span{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(ReadOnlySpan<double> values, Span<int> counters)
    {
        ReadOnlySpan<ushort> firstBucket = BucketLookupTables.DoubleFirstBucket;
        ReadOnlySpan<double> thresholds = BucketLookupTables.DoubleThresholds;
        ReadOnlySpan<ulong> bits = MemoryMarshal.Cast<double, ulong>(values);
        int perLane = BucketLookupTables.CountersPerLane;
        var lane0 = counters[..perLane];
        var lane1 = counters.Slice(perLane, perLane);
        var lane2 = counters.Slice(perLane * 2, perLane);
        var lane3 = counters.Slice(perLane * 3, perLane);
        int i = 0;
        for (; i + Lanes <= bits.Length; i += Lanes)
        {
            var four = bits.Slice(i, Lanes);
            lane0[BucketOf(firstBucket, thresholds, four[0])]++;
            lane1[BucketOf(firstBucket, thresholds, four[1])]++;
            lane2[BucketOf(firstBucket, thresholds, four[2])]++;
            lane3[BucketOf(firstBucket, thresholds, four[3])]++;
        }

        for (; i < bits.Length; i++)
        {
            lane0[BucketOf(firstBucket, thresholds, bits[i])]++;
        }
    }

    /// <summary>Adds the lanes of <paramref name="counters"/> into <paramref name="totals"/> (one per real bucket).</summary>
    /// <remarks>A vector at a time: for a small input this pass over all 1,550 buckets is most of the work.</remarks>
    public static void AddLanes(ReadOnlySpan<int> counters, Span<long> totals)
    {
        int perLane = BucketLookupTables.CountersPerLane;
        var lane0 = counters[..totals.Length];
        var lane1 = counters.Slice(perLane, totals.Length);
        var lane2 = counters.Slice(perLane * 2, totals.Length);
        var lane3 = counters.Slice(perLane * 3, totals.Length);
        int bucket = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; bucket + Vector<int>.Count <= totals.Length; bucket += Vector<int>.Count)
            {
                // The four lanes together hold at most one count per value of a span: no int overflow.
                var sum = new Vector<int>(lane0[bucket..]) + new Vector<int>(lane1[bucket..]) + new Vector<int>(lane2[bucket..]) + new Vector<int>(lane3[bucket..]);
                Vector.Widen(sum, out var low, out var high);
                var destination = totals.Slice(bucket, Vector<int>.Count);
                (new Vector<long>(destination) + low).CopyTo(destination);
                (new Vector<long>(destination[Vector<long>.Count..]) + high).CopyTo(destination[Vector<long>.Count..]);
            }
        }

        for (; bucket < totals.Length; bucket++)
        {
            totals[bucket] += (long)lane0[bucket] + lane1[bucket] + lane2[bucket] + lane3[bucket];
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
