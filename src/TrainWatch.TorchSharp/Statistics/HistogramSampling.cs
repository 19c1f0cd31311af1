using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Which elements a histogram counts (<see cref="WatchOptions.HistogramSampleLimit"/>): all of a tensor up to the
/// limit; above it, every k-th element of the flattened tensor from the first, with the counts then scaled back to the
/// whole tensor. Host kernels and device ops take the same elements and scale the same way, so the two paths still
/// give the same buckets.
/// </summary>
/// <remarks>
/// <para>Why a sample at all: the bucket pass is a scattered load–increment–store per element, several times the cost
/// of the vectorised pass that gives the moments, min, max and zeros; those stay exact over every element, and only
/// the picture of the distribution is drawn from the sample.</para>
/// <para>Why k is an odd prime: the sample is taken from the flattened tensor, so a stride that divides a row's length
/// (a power of two, 3·2ⁿ, …) would see the same few columns in every row. An odd prime divides none of the usual
/// dimension sizes, so row after row the sample moves across the columns and meets each of them about equally often;
/// rows are met in proportion too. What it cannot undo is data whose pattern repeats at the stride itself.</para>
/// <para>k is the smallest odd prime ≥ ⌈n / limit⌉, so at most limit elements are counted and, because that prime is
/// below 2⌈n / limit⌉ (Bertrand), more than limit / 3 of them.</para>
/// </remarks>
internal static class HistogramSampling
{
    /// <summary>
    /// The default limit, 2^14 = 16,384 elements: a tensor's bucket pass then costs at most about a sixteenth of a 1M-element
    /// exact count, so for every tensor above it the exact pass over every element (moments, min, max, zeros) is what
    /// remains; a bucket's share is off by one standard error of at most 0.39 % at the full sample and 0.68 % at the
    /// smallest (m ≥ limit / 3), below what a 64-bucket picture shows and far below what moves <c>trainwatch diff</c>'s
    /// distance (docs/design.md; <c>SampledHistogramDiffTests</c> runs diff at this limit). It was 2^18 until issue 26:
    /// a model's many 64K–256K-element weights were then counted whole, which was most of their sample step.
    /// </summary>
    public const int DefaultLimit = 1 << 14;

    /// <summary>The stride of the counted elements of a tensor of <paramref name="count"/> elements: 1 (every element) up to the limit; 0 as limit counts everything.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Stride(long count, long limit)
    {
        if (limit <= 0 || count <= limit)
        {
            return 1;
        }

        long stride = Math.Max(3, (count + limit - 1) / limit);
        stride |= 1;
        while (!IsOddPrime(stride))
        {
            stride += 2;
        }

        return stride;
    }

    /// <summary>The elements counted at <paramref name="stride"/>: indexes 0, k, 2k, … below <paramref name="count"/>.</summary>
    public static long Counted(long count, long stride) => (count + stride - 1) / stride;

    /// <summary>
    /// Scales the counts of <paramref name="counted"/> sampled elements to <paramref name="total"/> elements, in place:
    /// each count × (total / counted), rounded half to even, and what rounding left over (a few at most) added to the
    /// first largest bucket, so the counts are whole numbers that add up to exactly <paramref name="total"/>. The
    /// device path (<see cref="DeviceStatistics"/>) does the same float64 arithmetic.
    /// </summary>
    public static void Scale(Span<double> counts, long total, long counted)
    {
        double factor = (double)total / counted;
        double sum = 0;
        int largest = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = Math.Round(counts[i] * factor, MidpointRounding.ToEven);
            sum += counts[i];
            largest = counts[i] > counts[largest] ? i : largest;
        }

        counts[largest] += total - sum;
    }

    /// <summary>Whether odd <paramref name="n"/> ≥ 3 is prime (trial division by odd numbers).</summary>
    public static bool IsOddPrime(long n)
    {
        for (long d = 3; d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
