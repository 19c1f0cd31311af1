using System.Numerics;
using System.Runtime.CompilerServices;
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

    /// <summary>
    /// A histogram of <paramref name="counts"/> in buckets of equal width from <paramref name="min"/> to
    /// <paramref name="max"/> (what a device kernel such as <c>histc</c> counts), written without making the edges:
    /// bucket i ends at min + (max − min) / k · (i + 1), the last one at max exactly. The same message as
    /// <see cref="FromBuckets"/> gives for those edges, empty buckets at either end trimmed; null when every count is 0.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The range has no distinct edges for this many buckets (<see cref="HasDistinctUniformEdges"/>), or a count is
    /// negative or not finite.
    /// </exception>
    public static HistogramProto? FromUniformBuckets(double min, double max, ReadOnlySpan<double> counts, double sum, double sumOfSquares)
    {
        double num = UniformTotal(min, max, counts);
        if (num == 0)
        {
            return null;
        }

        var proto = new HistogramProto { Min = min, Max = max, Num = num, Sum = sum, SumSquares = sumOfSquares };
        int first = counts.IndexOfAnyExcept(0.0), last = counts.LastIndexOfAnyExcept(0.0);
        int bins = counts.Length;
        double width = UniformWidth(min, max, bins);

        // Sized once: a sample step writes a histogram per tensor, and growing lists made most of its garbage.
        proto.BucketLimit.Capacity = last - first + 1;
        proto.Bucket.Capacity = last - first + 1;
        for (int i = first; i <= last; i++)
        {
            proto.BucketLimit.Add(UniformRightEdge(min, max, width, bins, i));
            proto.Bucket.Add(counts[i]);
        }

        return proto;
    }

    // The three parts of FromUniformBuckets that SummaryEncoder shares, so that the message and the encoded bytes
    // cannot drift apart: the checks and the total, the width, and where a bucket ends.

    /// <summary>The total of uniform buckets' counts, in order (as <c>HistogramData.Count</c> adds them: the same total to the last bit), after <see cref="FromUniformBuckets"/>'s checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double UniformTotal(double min, double max, ReadOnlySpan<double> counts)
    {
        if (!HasDistinctUniformEdges(min, max, counts.Length))
        {
            throw new ArgumentException($"{counts.Length} buckets of equal width need distinct edges from min to max (got {min}..{max}).", nameof(counts));
        }

        double num = 0;
        foreach (double c in counts)
        {
            if (!(c >= 0) || double.IsInfinity(c))
            {
                throw new ArgumentException($"Histogram counts must be finite and not negative (found {c}).", nameof(counts));
            }

            num += c;
        }

        return num;
    }

    /// <summary>The width of each of <paramref name="bins"/> buckets from <paramref name="min"/> to <paramref name="max"/>.</summary>
    internal static double UniformWidth(double min, double max, int bins) => (max - min) / bins;

    /// <summary>Where uniform bucket <paramref name="i"/> ends: min + width · (i + 1), the last one at max exactly.</summary>
    internal static double UniformRightEdge(double min, double max, double width, int bins, int i) =>
        i == bins - 1 ? max : min + (width * (i + 1));

    /// <summary>
    /// Whether <paramref name="buckets"/> buckets of equal width from <paramref name="min"/> to <paramref name="max"/>
    /// have strictly increasing edges: false for a range that is empty, not finite, or so narrow next to its values
    /// that neighbouring edges round to the same double.
    /// </summary>
    public static bool HasDistinctUniformEdges(double min, double max, int buckets)
    {
        if (buckets < 1 || !double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            return false;
        }

        double width = (max - min) / buckets, previous = min;
        for (int i = 1; i < buckets; i++)
        {
            double edge = min + (width * i);
            if (!(edge > previous))
            {
                return false;
            }

            previous = edge;
        }

        return max > previous;
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
