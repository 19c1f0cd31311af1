using System.Numerics;
using TrainWatch.Protos;
using TrainWatch.RunFormat;

namespace TrainWatch.Summaries;

/// <summary>Pure functions: values or buckets in, TensorBoard's <see cref="HistogramProto"/> out.</summary>
public static class HistogramSummary
{
    /// <summary>
    /// Buckets <paramref name="values"/> on the default exponential edges (<see cref="HistogramEdges"/>), with empty
    /// buckets trimmed from both ends. NaN and ±∞ are counted in <paramref name="nonFinite"/> and left out of every
    /// statistic. Returns null when no finite value is left: an empty histogram is not written (it crashes other
    /// writers' training runs).
    /// </summary>
    public static HistogramProto? FromValues<T>(ReadOnlySpan<T> values, out NonFiniteCounts nonFinite)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SpanHistogram.FromValues(values, out nonFinite);

    /// <inheritdoc cref="FromValues{T}(ReadOnlySpan{T}, out NonFiniteCounts)"/>
    /// <remarks>Large inputs are split over the thread pool (they must outlive the call, hence a memory, not a span).</remarks>
    internal static HistogramProto? FromValues<T>(ReadOnlyMemory<T> values, out NonFiniteCounts nonFinite)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SpanHistogram.FromValues(values, out nonFinite);

    /// <summary>
    /// A histogram whose buckets were counted elsewhere (on the device). TensorBoard takes a bucket's right edge from
    /// <c>bucket_limit</c> and the first bucket's left edge from <c>min</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The buckets are inconsistent.</exception>
    public static HistogramProto? FromBuckets(HistogramData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.Validate();
        double num = data.Count;
        if (num == 0)
        {
            return null;
        }

        var proto = new HistogramProto
        {
            Min = data.Min,
            Max = data.Max,
            Num = num,
            Sum = data.Sum,
            SumSquares = data.SumOfSquares,
        };
        AddTrimmedBuckets(proto, data.Edges.AsSpan(1), data.Counts);
        return proto;
    }

    // Every form: bucket i ends at rightEdges[i]; empty buckets at either end are left out.
    internal static void AddTrimmedBuckets<T>(HistogramProto proto, ReadOnlySpan<double> rightEdges, T[] counts)
        where T : INumber<T>
    {
        int first = counts.AsSpan().IndexOfAnyExcept(T.Zero);
        if (first < 0)
        {
            return;
        }

        int last = counts.AsSpan().LastIndexOfAnyExcept(T.Zero);
        var limits = rightEdges[first..(last + 1)].ToArray();
        var buckets = new double[limits.Length];
        for (int i = 0; i < buckets.Length; i++)
        {
            buckets[i] = double.CreateTruncating(counts[first + i]);
        }

        // Whole arrays: the repeated fields then grow once instead of once per bucket.
        proto.BucketLimit.AddRange(limits);
        proto.Bucket.AddRange(buckets);
    }

    /// <summary>Wraps a histogram as a summary value under <paramref name="tag"/>.</summary>
    public static Summary.Types.Value ToValue(string tag, HistogramProto histogram) =>
        new() { Tag = SummaryTag.Validate(tag), Histo = histogram };

    /// <summary>
    /// The summary for a bucketed histogram plus, when values were left out, the scalars
    /// <c>&lt;tag&gt;/nan_count</c>, <c>&lt;tag&gt;/pos_inf_count</c> and <c>&lt;tag&gt;/neg_inf_count</c> (only the non-zero ones),
    /// so bad values are visible beside the histogram instead of silently missing. Null when there is nothing to write.
    /// </summary>
    public static Summary? Build(string tag, HistogramProto? histogram, NonFiniteCounts nonFinite)
    {
        var summary = new Summary();
        if (histogram is not null)
        {
            summary.Value.Add(ToValue(tag, histogram));
        }

        AddCount(summary, tag + LayerTags.HistogramNaNCountSuffix, nonFinite.NaN);
        AddCount(summary, tag + LayerTags.HistogramPositiveInfinityCountSuffix, nonFinite.PositiveInfinity);
        AddCount(summary, tag + LayerTags.HistogramNegativeInfinityCountSuffix, nonFinite.NegativeInfinity);
        return summary.Value.Count == 0 ? null : summary;
    }

    private static void AddCount(Summary summary, string countTag, long count)
    {
        if (count != 0)
        {
            summary.Value.Add(ScalarSummary.ToValue(countTag, count));
        }
    }
}
