using FsCheck;
using FsCheck.Fluent;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Tests.Summaries;

/// <summary>
/// The fast histogram path (vectorised statistics, table-driven bucket index, parallel chunks) against the plain
/// one-value-at-a-time reference, <see cref="HistogramReference"/>: the same counts for every value, the same min,
/// max, count and non-finite counts bit for bit, and sums as accurate as the reference's.
/// </summary>
public class SpanHistogramTests
{
    private static readonly int s_threshold = SpanHistogram.ParallelThreshold;

    public static TheoryData<string> Distributions => new(s_distributionNames);

    private static readonly string[] s_distributionNames =
    [
        "normal", "tiny normal", "uniform", "log-uniform over every limit", "random bit patterns", "on the limits",
        "subnormals and zeros", "huge", "one value", "sparse non-finite", "mostly non-finite",
    ];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Float_histograms_match_the_reference(string distribution)
    {
        foreach (int length in new[] { 0, 1, 3, 4, 7, 8, 9, 31, 33, 1_000, SpanHistogram.ChunkLength + 5 })
        {
            float[] values = Generate(distribution, length, seed: length);
            AssertMatchesReference<float>(values);
        }
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Double_histograms_match_the_reference(string distribution)
    {
        foreach (int length in new[] { 0, 1, 2, 3, 5, 17, 1_000, SpanHistogram.ChunkLength + 3 })
        {
            double[] values = GenerateDoubles(distribution, length, seed: length);
            AssertMatchesReference<double>(values);
        }
    }

    [Fact]
    public void Large_inputs_split_over_threads_give_the_same_bits_as_one_thread()
    {
        float[] values = Generate("log-uniform over every limit", s_threshold * 2 + 12_345, seed: 5);
        values[77] = float.NaN;
        values[s_threshold + 1] = float.NegativeInfinity;
        values[^1] = -0f;

        var parallel = SpanHistogram.FromValues<float>(values.AsMemory(), out var parallelNonFinite)!;
        var single = SpanHistogram.FromValues<float>(values.AsSpan(), out var singleNonFinite)!;

        Assert.Equal(singleNonFinite, parallelNonFinite);
        Assert.Equal(single, parallel); // protobuf equality: every field, sums included, bitwise
        AssertMatchesReference<float>(values);
    }

    [Fact]
    public void Large_double_inputs_split_over_threads_match_the_reference()
    {
        double[] values = GenerateDoubles("normal", s_threshold + 999, seed: 9);
        values[3] = double.PositiveInfinity;
        var parallel = SpanHistogram.FromValues<double>(values.AsMemory(), out _)!;
        Assert.Equal(SpanHistogram.FromValues<double>(values.AsSpan(), out _), parallel);
        AssertMatchesReference<double>(values);
    }

    [Fact]
    public void Other_formats_go_through_double_exactly_like_the_reference()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 5_000).Select(_ => (Half)(random.NextDouble() * 200 - 100)).ToArray();
        values[10] = Half.NaN;
        values[11] = Half.NegativeZero;
        values[12] = Half.Epsilon;

        var fast = HistogramSummary.FromValues<Half>(values, out var fastNonFinite)!;
        var reference = HistogramReference.FromValues<Half>(values, out var referenceNonFinite)!;

        Assert.Equal(referenceNonFinite, fastNonFinite);
        AssertSameHistogram(reference, fast, values.Select(v => (double)v));
    }

    [Fact]
    public void Arbitrary_float_arrays_match_the_reference()
    {
        var property = Prop.ForAll(InterestingFloats().ArrayOf().ToArbitrary(), values => AssertMatchesReference<float>(values));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2_000), property);
    }

    [Fact]
    public void Zero_signs_follow_Math_Min_and_Math_Max()
    {
        // IEEE 754-2019 order: −0 below +0. A plain vector min would return either zero.
        AssertMatchesReference<float>([0f, -0f, 0f]);
        AssertMatchesReference<float>([-0f, -0f]);
        AssertMatchesReference<float>([0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, -0f, 0f]);
        var h = SpanHistogram.FromValues<float>([0f, -0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], out _)!;
        Assert.True(double.IsNegative(h.Min));
        Assert.False(double.IsNegative(h.Max));
    }

    [Fact]
    public void Every_float_key_is_corrected_by_one_comparison()
    {
        // Within a key both functions step up at most once, so agreeing at the key's ends and on both sides of the
        // threshold proves they agree on every float of the key: all 2^32 floats, in 8,192 × 4 checks.
        for (uint key = 0; key < 1u << 13; key++)
        {
            uint first = key << BucketLookupTables.FloatKeyShift;
            uint last = first | ((1u << BucketLookupTables.FloatKeyShift) - 1);
            ulong entry = BucketLookupTables.FloatEntries[key];
            float threshold = BitConverter.UInt32BitsToSingle((uint)entry);
            var probes = new List<float> { BitConverter.UInt32BitsToSingle(first), BitConverter.UInt32BitsToSingle(last) };
            if (float.IsFinite(threshold))
            {
                probes.Add(threshold);
                probes.Add(MathF.BitDecrement(threshold));
                probes.Add(MathF.BitIncrement(threshold));
            }

            foreach (float v in probes.Where(p => BitConverter.SingleToUInt32Bits(p) >> BucketLookupTables.FloatKeyShift == key))
            {
                AssertSameBucket(v);
            }
        }
    }

    [Fact]
    public void Every_double_key_is_corrected_by_one_comparison()
    {
        for (int key = 0; key < 1 << 16; key++)
        {
            ulong first = (ulong)key << BucketLookupTables.DoubleKeyShift;
            ulong last = first | ((1UL << BucketLookupTables.DoubleKeyShift) - 1);
            var probes = new List<double> { BitConverter.UInt64BitsToDouble(first), BitConverter.UInt64BitsToDouble(last) };
            int bucket = BucketLookupTables.DoubleFirstBucket[key];
            double threshold = BucketLookupTables.DoubleThresholds[bucket];
            if (double.IsFinite(threshold))
            {
                probes.Add(threshold);
                probes.Add(Math.BitDecrement(threshold));
                probes.Add(Math.BitIncrement(threshold));
            }

            foreach (double v in probes.Where(p => BitConverter.DoubleToUInt64Bits(p) >> BucketLookupTables.DoubleKeyShift == (ulong)key))
            {
                AssertSameBucket(v);
            }
        }
    }

    [Fact]
    public void A_sweep_over_the_float_bit_patterns_agrees_with_the_binary_search()
    {
        for (long pattern = 0; pattern <= uint.MaxValue; pattern += 4_099)
        {
            AssertSameBucket(BitConverter.UInt32BitsToSingle((uint)pattern));
        }
    }

    [Fact]
    public void Non_finite_values_land_in_the_trash_buckets()
    {
        foreach (float v in new[] { float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.UInt32BitsToSingle(0x7FC0_1234) })
        {
            Assert.True(BucketCounter.BucketOf(v) >= BucketLookupTables.TrashBucket, $"{v}");
            Assert.True(BucketCounter.BucketOf((double)v) >= BucketLookupTables.TrashBucket, $"{v}");
        }
    }

    [Fact]
    public void Sums_are_as_accurate_as_the_reference()
    {
        // Many values of mixed magnitude: a running sum loses digits; the lanes of the fast path lose no more.
        var random = new Random(21);
        float[] values = Enumerable.Range(0, 300_000).Select(_ => (float)((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-3, 6)))).ToArray();
        var fast = SpanHistogram.FromValues<float>(values.AsMemory(), out _)!;
        var reference = HistogramReference.FromValues<float>(values, out _)!;
        var (exactSum, exactSquares) = CompensatedSums(values.Select(v => (double)v));

        Assert.True(Math.Abs(fast.Sum - exactSum) <= Math.Max(Math.Abs(reference.Sum - exactSum) * 4, 1e-9 * Math.Abs(exactSum)), $"{fast.Sum} vs {exactSum} (reference {reference.Sum})");
        Assert.True(Math.Abs(fast.SumSquares - exactSquares) <= Math.Max(Math.Abs(reference.SumSquares - exactSquares) * 4, 1e-12 * exactSquares), $"{fast.SumSquares} vs {exactSquares}");
    }

    private static void AssertSameBucket(float v)
    {
        if (!float.IsFinite(v))
        {
            Assert.True(BucketCounter.BucketOf(v) >= BucketLookupTables.TrashBucket);
            return;
        }

        Assert.True(HistogramEdges.BucketOfBySearch(v) == BucketCounter.BucketOf(v), $"float {v:R} (0x{BitConverter.SingleToUInt32Bits(v):X8})");
    }

    private static void AssertSameBucket(double v)
    {
        if (!double.IsFinite(v))
        {
            Assert.True(BucketCounter.BucketOf(v) >= BucketLookupTables.TrashBucket);
            return;
        }

        Assert.True(HistogramEdges.BucketOfBySearch(v) == BucketCounter.BucketOf(v), $"double {v:R} (0x{BitConverter.DoubleToUInt64Bits(v):X16})");
    }

    private static bool AssertMatchesReference<T>(T[] values)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var reference = HistogramReference.FromValues<T>(values, out var referenceNonFinite);
        var fast = HistogramSummary.FromValues<T>(values, out var fastNonFinite);
        var fastParallel = HistogramSummary.FromValues<T>(values.AsMemory(), out var parallelNonFinite);

        Assert.Equal(referenceNonFinite, fastNonFinite);
        Assert.Equal(referenceNonFinite, parallelNonFinite);
        Assert.Equal(fast, fastParallel);
        if (reference is null)
        {
            Assert.Null(fast);
            return true;
        }

        AssertSameHistogram(reference, fast!, values.Select(v => double.CreateTruncating(v)));
        return true;
    }

    private static void AssertSameHistogram(HistogramProto reference, HistogramProto fast, IEnumerable<double> values)
    {
        Assert.Equal(reference.BucketLimit, fast.BucketLimit);
        Assert.Equal(reference.Bucket, fast.Bucket);
        Assert.Equal(reference.Num, fast.Num);
        Assert.Equal(BitConverter.DoubleToInt64Bits(reference.Min), BitConverter.DoubleToInt64Bits(fast.Min));
        Assert.Equal(BitConverter.DoubleToInt64Bits(reference.Max), BitConverter.DoubleToInt64Bits(fast.Max));

        // Sums: double precision in another order, so within a few ulps of the magnitudes involved. Where the
        // magnitudes overflow a double, the running sum's value depends on the order (∞, −∞ or NaN) in any
        // implementation, and there is nothing to compare.
        var finite = values.Where(double.IsFinite).ToArray();
        double magnitude = finite.Sum(Math.Abs), squares = finite.Sum(v => v * v);
        if (double.IsFinite(magnitude))
        {
            Assert.True(Math.Abs(reference.Sum - fast.Sum) <= 1e-13 * Math.Max(1, finite.Length) * magnitude, $"sum {fast.Sum:R} vs reference {reference.Sum:R}");
        }

        if (double.IsFinite(squares))
        {
            Assert.True(Math.Abs(reference.SumSquares - fast.SumSquares) <= 1e-13 * Math.Max(1, finite.Length) * squares, $"sum of squares {fast.SumSquares:R} vs reference {reference.SumSquares:R}");
        }
        else
        {
            // Squares are never negative: an overflow is +∞ in any order.
            Assert.Equal(double.PositiveInfinity, fast.SumSquares);
        }
    }

    private static (double Sum, double Squares) CompensatedSums(IEnumerable<double> values)
    {
        double sum = 0, sumError = 0, squares = 0, squaresError = 0;
        foreach (double v in values)
        {
            (sum, sumError) = Neumaier(sum, sumError, v);
            (squares, squaresError) = Neumaier(squares, squaresError, v * v);
        }

        return (sum + sumError, squares + squaresError);
    }

    private static (double Sum, double Error) Neumaier(double sum, double error, double v)
    {
        double t = sum + v;
        error += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
        return (t, error);
    }

    // Floats a histogram can meet: any bit pattern (NaN payloads, infinities, subnormals), limits and their
    // neighbours, zeros of both signs, and ordinary values.
    private static Gen<float> InterestingFloats()
    {
        var limits = HistogramEdges.Limits.ToArray().Where(l => Math.Abs(l) < float.MaxValue).ToArray();
        return Gen.OneOf(
            Gen.Choose(int.MinValue, int.MaxValue).Select(BitConverter.Int32BitsToSingle),
            Gen.Elements(limits).SelectMany(l => Gen.Elements(-1, 0, 1).Select(step => Nudge((float)l, step))),
            Gen.Elements(0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity),
            Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1000f));
    }

    private static float Nudge(float v, int step) => step switch
    {
        < 0 => MathF.BitDecrement(v),
        > 0 => MathF.BitIncrement(v),
        _ => v,
    };

    private static double[] GenerateDoubles(string distribution, int length, int seed)
    {
        var random = new Random(seed + 1000);
        return distribution switch
        {
            "normal" => Enumerable.Range(0, length).Select(_ => Normal(random)).ToArray(),
            "log-uniform over every limit" => Enumerable.Range(0, length).Select(_ => Sign(random) * Math.Pow(10, random.NextDouble() * 660 - 330)).ToArray(),
            "random bit patterns" => Enumerable.Range(0, length).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue))).ToArray(),
            "on the limits" => Enumerable.Range(0, length).Select(_ => Nudge(HistogramEdges.Limits[random.Next(HistogramEdges.Limits.Length)], random.Next(-1, 2))).ToArray(),
            "subnormals and zeros" => Enumerable.Range(0, length).Select(_ => random.Next(4) switch
            {
                0 => 0.0,
                1 => -0.0,
                2 => BitConverter.Int64BitsToDouble(random.NextInt64(1, 1L << 52)),
                _ => -BitConverter.Int64BitsToDouble(random.NextInt64(1, 1L << 52)),
            }).ToArray(),
            "huge" => Enumerable.Range(0, length).Select(_ => random.Next(5) == 0 ? Sign(random) * double.MaxValue : Sign(random) * Math.Pow(10, random.NextDouble() * 300 + 8)).ToArray(),
            _ => Generate(distribution, length, seed).Select(v => (double)v).ToArray(),
        };
    }

    private static double Nudge(double v, int step) => step switch
    {
        < 0 => Math.BitDecrement(v),
        > 0 => Math.BitIncrement(v),
        _ => v,
    };

    private static float[] Generate(string distribution, int length, int seed)
    {
        var random = new Random(seed);
        double[] limits = HistogramEdges.Limits.ToArray();
        float Next() => distribution switch
        {
            "normal" => (float)Normal(random),
            "tiny normal" => (float)(Normal(random) * 1e-11),
            "uniform" => (float)(random.NextDouble() * 2 - 1),
            "log-uniform over every limit" => (float)(Sign(random) * Math.Pow(10, random.NextDouble() * 80 - 40)),
            "random bit patterns" => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue)),
            "on the limits" => Nudge((float)limits[random.Next(1, limits.Length - 1)], random.Next(-1, 2)),
            "subnormals and zeros" => random.Next(4) switch
            {
                0 => 0f,
                1 => -0f,
                2 => BitConverter.Int32BitsToSingle(random.Next(1, 1 << 23)),
                _ => -BitConverter.Int32BitsToSingle(random.Next(1, 1 << 23)),
            },
            "huge" => random.Next(5) == 0 ? Sign(random) * float.MaxValue : (float)(Sign(random) * Math.Pow(10, random.NextDouble() * 18 + 19)),
            "one value" => 0.1f,
            "sparse non-finite" => random.Next(500) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                _ => (float)Normal(random),
            },
            "mostly non-finite" => random.Next(4) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                _ => (float)Normal(random),
            },
            _ => throw new ArgumentException(distribution),
        };

        return Enumerable.Range(0, length).Select(_ => Next()).ToArray();
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int Sign(Random random) => random.Next(2) == 0 ? -1 : 1;
}
