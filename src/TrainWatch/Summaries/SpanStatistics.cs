using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainWatch.Summaries;

/// <summary>
/// <see cref="ValueStatistics"/> of a span, a vector of values at a time (<see cref="Vector{T}"/>: AVX2, SSE or NEON,
/// with a scalar loop for the tail and where there is no SIMD).
/// </summary>
/// <remarks>
/// Min and max are taken on the IEEE bit patterns mapped to integers that sort like the values (negative patterns
/// have their magnitude bits flipped). That order puts −0 below +0 exactly as <see cref="Math.Min(double, double)"/>
/// does, which a floating-point vector min does not (it returns either zero). Non-finite lanes are masked out of min,
/// max and the sums; they are counted in a second, scalar pass, only when the vector pass saw one (real data almost
/// never has one, and a call inside the vector loop would make the JIT spill its accumulators every iteration).
/// </remarks>
internal static class SpanStatistics
{
    private const int FloatExponentBits = 0x7F80_0000;
    private const int FloatMagnitudeBits = 0x7FFF_FFFF;
    private const long DoubleExponentBits = 0x7FF0_0000_0000_0000;
    private const long DoubleMagnitudeBits = 0x7FFF_FFFF_FFFF_FFFF;

    // Hot from the first call, so compiled fully optimised at once rather than first in the unoptimised tier.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ValueStatistics Of(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(values);
        var exponent = new Vector<int>(FloatExponentBits);
        var magnitude = new Vector<int>(FloatMagnitudeBits);
        var minKey = new Vector<int>(int.MaxValue);
        var maxKey = new Vector<int>(int.MinValue);
        Vector<double> sumLow = default, sumHigh = default, squaresLow = default, squaresHigh = default;
        var anyNotFinite = Vector<int>.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<int>.Count <= bits.Length; i += Vector<int>.Count)
            {
                var pattern = new Vector<int>(bits[i..]);
                var notFinite = Vector.Equals(pattern & exponent, exponent);
                var key = pattern ^ (Vector.LessThan(pattern, Vector<int>.Zero) & magnitude);
                minKey = Vector.Min(minKey, Vector.ConditionalSelect(notFinite, new Vector<int>(int.MaxValue), key));
                maxKey = Vector.Max(maxKey, Vector.ConditionalSelect(notFinite, new Vector<int>(int.MinValue), key));
                Vector.Widen(Vector.AsVectorSingle(Vector.AndNot(pattern, notFinite)), out var low, out var high);
                sumLow += low;
                sumHigh += high;
                squaresLow += low * low;
                squaresHigh += high * high;
                anyNotFinite |= notFinite;
            }
        }

        int minScalar = int.MaxValue, maxScalar = int.MinValue;
        double sum = 0, squares = 0;
        for (; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v))
            {
                anyNotFinite = Vector<int>.AllBitsSet;
                continue;
            }

            int key = bits[i] ^ ((bits[i] >> 31) & FloatMagnitudeBits);
            minScalar = Math.Min(minScalar, key);
            maxScalar = Math.Max(maxScalar, key);
            sum += v;
            squares += (double)v * v;
        }

        for (int lane = 0; lane < Vector<int>.Count; lane++)
        {
            minScalar = Math.Min(minScalar, minKey[lane]);
            maxScalar = Math.Max(maxScalar, maxKey[lane]);
        }

        var nonFinite = anyNotFinite == default ? default : NonFiniteTally.Of(values);
        long finite = values.Length - nonFinite.Total;
        return new ValueStatistics(
            finite == 0 ? double.PositiveInfinity : FloatFromKey(minScalar),
            finite == 0 ? double.NegativeInfinity : FloatFromKey(maxScalar),
            Vector.Sum(sumLow + sumHigh) + sum,
            Vector.Sum(squaresLow + squaresHigh) + squares,
            finite,
            nonFinite.NaN,
            nonFinite.PositiveInfinity,
            nonFinite.NegativeInfinity);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ValueStatistics Of(ReadOnlySpan<double> values)
    {
        ReadOnlySpan<long> bits = MemoryMarshal.Cast<double, long>(values);
        var exponent = new Vector<long>(DoubleExponentBits);
        var magnitude = new Vector<long>(DoubleMagnitudeBits);
        var minKey = new Vector<long>(long.MaxValue);
        var maxKey = new Vector<long>(long.MinValue);
        Vector<double> sums = default, squares = default;
        var anyNotFinite = Vector<long>.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<long>.Count <= bits.Length; i += Vector<long>.Count)
            {
                var pattern = new Vector<long>(bits[i..]);
                var notFinite = Vector.Equals(pattern & exponent, exponent);
                var key = pattern ^ (Vector.LessThan(pattern, Vector<long>.Zero) & magnitude);
                minKey = Vector.ConditionalSelect(Vector.LessThan(key, minKey) & ~notFinite, key, minKey);
                maxKey = Vector.ConditionalSelect(Vector.GreaterThan(key, maxKey) & ~notFinite, key, maxKey);
                var finiteValues = Vector.AsVectorDouble(Vector.AndNot(pattern, notFinite));
                sums += finiteValues;
                squares += finiteValues * finiteValues;
                anyNotFinite |= notFinite;
            }
        }

        long minScalar = long.MaxValue, maxScalar = long.MinValue;
        double sum = 0, squareSum = 0;
        for (; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
            {
                anyNotFinite = Vector<long>.AllBitsSet;
                continue;
            }

            long key = bits[i] ^ ((bits[i] >> 63) & DoubleMagnitudeBits);
            minScalar = Math.Min(minScalar, key);
            maxScalar = Math.Max(maxScalar, key);
            sum += v;
            squareSum += v * v;
        }

        for (int lane = 0; lane < Vector<long>.Count; lane++)
        {
            minScalar = Math.Min(minScalar, minKey[lane]);
            maxScalar = Math.Max(maxScalar, maxKey[lane]);
        }

        var nonFinite = anyNotFinite == default ? default : NonFiniteTally.Of(values);
        long finite = values.Length - nonFinite.Total;
        return new ValueStatistics(
            finite == 0 ? double.PositiveInfinity : DoubleFromKey(minScalar),
            finite == 0 ? double.NegativeInfinity : DoubleFromKey(maxScalar),
            Vector.Sum(sums) + sum,
            Vector.Sum(squares) + squareSum,
            finite,
            nonFinite.NaN,
            nonFinite.PositiveInfinity,
            nonFinite.NegativeInfinity);
    }

    // The order-preserving map is its own inverse: the sign bit decides whether the magnitude bits were flipped.
    private static float FloatFromKey(int key) => BitConverter.Int32BitsToSingle(key ^ ((key >> 31) & FloatMagnitudeBits));

    private static double DoubleFromKey(long key) => BitConverter.Int64BitsToDouble(key ^ ((key >> 63) & DoubleMagnitudeBits));

    /// <summary>Counts of the values left out, kept apart from the vector loop's hot state.</summary>
    private struct NonFiniteTally
    {
        public long NaN;
        public long PositiveInfinity;
        public long NegativeInfinity;

        public readonly long Total => NaN + PositiveInfinity + NegativeInfinity;

        public static NonFiniteTally Of<T>(ReadOnlySpan<T> values)
            where T : IFloatingPointIeee754<T>
        {
            var tally = default(NonFiniteTally);
            foreach (T v in values)
            {
                if (T.IsNaN(v))
                {
                    tally.NaN++;
                }
                else if (T.IsPositiveInfinity(v))
                {
                    tally.PositiveInfinity++;
                }
                else if (T.IsNegativeInfinity(v))
                {
                    tally.NegativeInfinity++;
                }
            }

            return tally;
        }
    }
}
