using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using TrainWatch.Protos;

namespace TrainWatch.Summaries;

/// <summary>
/// Histograms of host values on the default exponential buckets, fast: vectorised statistics
/// (<see cref="SpanStatistics"/>), a table-driven bucket index (<see cref="BucketCounter"/>), and large inputs split
/// over the cores.
/// </summary>
/// <remarks>
/// The input is cut into fixed chunks and the chunks' statistics are combined in order whether or not they ran in
/// parallel, so the same values always give the same bits (sums included), on any machine with the same vector width.
/// Counts are exact integers and equal <see cref="HistogramReference"/>'s for every value; min and max are exact; the
/// sums are double-precision like the reference's but added in a different order (several lanes), so their last bits
/// can differ from it — they are not less accurate.
/// </remarks>
internal static class SpanHistogram
{
    /// <summary>Values per chunk: large enough that a chunk dwarfs scheduling, small enough to spread 1M values.</summary>
    internal const int ChunkLength = 1 << 16;

    /// <summary>
    /// Below this many values (four chunks) one thread does it all: the hand-off to the pool is a fixed cost, a
    /// visible share of a smaller input. A safe floor rather than a tuned optimum: on a busy machine the other core
    /// is rarely idle (figures in docs/benchmarks.md, "Behind the code").
    /// </summary>
    internal const int ParallelThreshold = 1 << 18;

    /// <summary>Buckets <paramref name="values"/> on the calling thread.</summary>
    public static HistogramProto? FromValues<T>(ReadOnlySpan<T> values, out NonFiniteCounts nonFinite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var totals = new long[HistogramEdges.BucketCount];
        int[] counters = RentCounters();
        var statistics = ValueStatistics.Empty;
        try
        {
            for (int start = 0; start < values.Length; start += ChunkLength)
            {
                var chunk = values.Slice(start, Math.Min(ChunkLength, values.Length - start));
                statistics = statistics.Then(CountChunk(chunk, counters));
            }

            BucketCounter.AddLanes(counters, totals);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counters);
        }

        return ToProto(statistics, totals, out nonFinite);
    }

    /// <summary>
    /// Buckets <paramref name="values"/>, spreading large inputs over the thread pool (a memory, not a span, because
    /// the chunks run on other threads). The result is the same as <see cref="FromValues{T}(ReadOnlySpan{T}, out NonFiniteCounts)"/>'s.
    /// </summary>
    public static HistogramProto? FromValues<T>(ReadOnlyMemory<T> values, out NonFiniteCounts nonFinite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            return FromValues(values.Span, out nonFinite);
        }

        int chunks = (values.Length + ChunkLength - 1) / ChunkLength;
        var chunkStatistics = new ValueStatistics[chunks];
        var totals = new long[HistogramEdges.BucketCount];
        Parallel.For(
            0,
            chunks,
            RentCounters,
            (chunk, _, counters) =>
            {
                int start = chunk * ChunkLength;
                chunkStatistics[chunk] = CountChunk(values.Span.Slice(start, Math.Min(ChunkLength, values.Length - start)), counters);
                return counters;
            },
            counters =>
            {
                // Integer counts add up the same in any order; only the statistics need the chunk order.
                lock (totals)
                {
                    BucketCounter.AddLanes(counters, totals);
                }

                ArrayPool<int>.Shared.Return(counters);
            });

        var statistics = ValueStatistics.Empty;
        foreach (var chunk in chunkStatistics)
        {
            statistics = statistics.Then(chunk);
        }

        return ToProto(statistics, totals, out nonFinite);
    }

    private static int[] RentCounters()
    {
        int[] counters = ArrayPool<int>.Shared.Rent(BucketCounter.CounterLength);
        Array.Clear(counters, 0, BucketCounter.CounterLength);
        return counters;
    }

    private static ValueStatistics CountChunk<T>(ReadOnlySpan<T> chunk, Span<int> counters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var floats = MemoryMarshal.Cast<T, float>(chunk);
            BucketCounter.Count(floats, counters);
            return SpanStatistics.Of(floats);
        }

        if (typeof(T) == typeof(double))
        {
            var doubles = MemoryMarshal.Cast<T, double>(chunk);
            BucketCounter.Count(doubles, counters);
            return SpanStatistics.Of(doubles);
        }

        // Other formats (Half, ...) become doubles first, exactly as the reference converts them.
        double[] converted = ArrayPool<double>.Shared.Rent(chunk.Length);
        try
        {
            var widened = converted.AsSpan(0, chunk.Length);
            for (int i = 0; i < chunk.Length; i++)
            {
                widened[i] = double.CreateTruncating(chunk[i]);
            }

            BucketCounter.Count(widened, counters);
            return SpanStatistics.Of(widened);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(converted);
        }
    }

    private static HistogramProto? ToProto(in ValueStatistics statistics, long[] totals, out NonFiniteCounts nonFinite)
    {
        nonFinite = statistics.NonFinite;
        if (statistics.Finite == 0)
        {
            return null;
        }

        var proto = new HistogramProto
        {
            Min = statistics.Min,
            Max = statistics.Max,
            Num = statistics.Finite,
            Sum = statistics.Sum,
            SumSquares = statistics.SumOfSquares,
        };
        HistogramSummary.AddTrimmedBuckets(proto, HistogramEdges.Limits, totals);
        return proto;
    }
}
