using System.Numerics;
using TrainWatch.Protos;

namespace TrainWatch.Summaries;

/// <summary>
/// The plain one-value-at-a-time histogram: per value, a conversion to double, <see cref="HistogramEdges.BucketOf"/>
/// and running min, max and sums. It was the writer's path before <see cref="SpanHistogram"/>; it stays as the
/// reference that path must agree with (tests and the micro-benchmarks compare the two).
/// </summary>
internal static class HistogramReference
{
    /// <summary>The same contract as <see cref="HistogramSummary.FromValues{T}(ReadOnlySpan{T}, out NonFiniteCounts)"/>.</summary>
    public static HistogramProto? FromValues<T>(ReadOnlySpan<T> values, out NonFiniteCounts nonFinite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var counts = new long[HistogramEdges.BucketCount];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        long nan = 0, posInf = 0, negInf = 0, finite = 0;
        foreach (T raw in values)
        {
            double v = double.CreateTruncating(raw);
            if (!double.IsFinite(v))
            {
                if (double.IsNaN(v))
                {
                    nan++;
                }
                else if (v > 0)
                {
                    posInf++;
                }
                else
                {
                    negInf++;
                }

                continue;
            }

            finite++;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            sumSquares += v * v;
            counts[HistogramEdges.BucketOf(v)]++;
        }

        nonFinite = new NonFiniteCounts(nan, posInf, negInf);
        if (finite == 0)
        {
            return null;
        }

        var proto = new HistogramProto { Min = min, Max = max, Num = finite, Sum = sum, SumSquares = sumSquares };
        HistogramSummary.AddTrimmedBuckets(proto, HistogramEdges.Limits, counts);
        return proto;
    }
}
