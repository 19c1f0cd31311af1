using TorchSharp;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The host kernels' counts (saturation, the input's NaN and ±∞) equal the libtorch ops they replace on CPU tensors,
/// exactly: on values at the limits, NaN, ±∞, denormals, −0, empty tensors, every size around a vector's width and a
/// chunk's length; and tensors they do not read (strided, half precision) keep the libtorch count.
/// </summary>
public sealed class HostCountTests
{
    public static TheoryData<long, bool> Sizes => new()
    {
        { 0, false }, { 1, false }, { 5, false }, { 67, false }, { 65_536 + 1_000, false }, { (1L << 21) + 13, false },
        { 0, true }, { 3, true }, { 67, true }, { 140_000, true },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Saturation_counts_equal_the_libtorch_count(long size, bool float64)
    {
        using var scope = NewDisposeScope();
        foreach (string moduleType in new[] { "Sigmoid", "Tanh" })
        {
            var values = Awkward(size, float64, moduleType == "Sigmoid" ? 0.5 : 0, moduleType == "Sigmoid" ? 0.49 : 0.99, seed: 7);
            Assert.True(HostCounts.Reads(values));
            var part = Saturation.Measure(moduleType, values, onHost: true);
            Assert.Null(part.Tensor);
            double expected = Saturation.Count(moduleType, values).item<double>();
            Assert.Equal(expected, Assert.Single(part.Host));
            if (size > 1000)
            {
                Assert.InRange(expected, 1, size - 1); // a count that can be wrong both ways
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void NaN_and_infinity_counts_equal_isnan_and_isinf(long size, bool float64)
    {
        using var scope = NewDisposeScope();
        var values = Awkward(size, float64, 0.5, 0.49, seed: 3);
        var (nan, infinite) = HostCounts.NonFinite(values);
        Assert.Equal(values.isnan().sum().item<long>(), nan);
        Assert.Equal(values.isinf().sum().item<long>(), infinite);
        if (size > 1000)
        {
            Assert.True(nan > 0 && infinite > 0, $"{nan} NaN, {infinite} ±∞: the data must hold both");
        }
    }

    [Fact]
    public void Strided_and_half_precision_outputs_keep_the_libtorch_count()
    {
        using var scope = NewDisposeScope();
        var values = Awkward(64 * 48, float64: false, 0.5, 0.49, seed: 5).reshape(64, 48);
        foreach (var other in new[] { values.t(), values.to(ScalarType.Float16), values.to(ScalarType.BFloat16) })
        {
            Assert.False(HostCounts.Reads(other));
            var part = Saturation.Measure("Sigmoid", other, onHost: true);
            Assert.NotNull(part.Tensor);
            Assert.Equal(Saturation.Count("Sigmoid", other).item<double>(), part.Tensor.item<double>());
        }

        // The strided view holds the same values: the same count as the contiguous tensor's.
        Assert.Equal(Assert.Single(Saturation.Measure("Sigmoid", values, onHost: true).Host), Saturation.Count("Sigmoid", values.t()).item<double>());
        Assert.True(Saturation.Count("Sigmoid", values).item<double>() > 0);
    }

    // Values a sigmoid or tanh output and a broken batch can hold: uniform over the range, the limit's float neighbours
    // on both sides of both edges, NaN, ±∞, denormals, −0 and exact zeros, in random places.
    private static Tensor Awkward(long size, bool float64, double centre, double limit, ulong seed)
    {
        var generator = new Generator(seed);
        var dtype = float64 ? ScalarType.Float64 : ScalarType.Float32;
        var values = rand([size], dtype, generator: generator).mul_(2.2).sub_(1.1).mul_(limit + 0.02).add_(centre);
        if (size == 0)
        {
            return values;
        }

        double[] special = float64
            ? [centre + limit, Math.BitIncrement(centre + limit), Math.BitDecrement(centre - limit), centre - limit, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 4.9e-324, -4.9e-324, -0.0, 0.0]
            : [(float)centre + (float)limit, MathF.BitIncrement((float)centre + (float)limit), MathF.BitDecrement((float)centre - (float)limit), (float)centre - (float)limit, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -1e-40f, -0f, 0f];
        long count = Math.Max(1, size / 50);
        var positions = randint(0, size, [count], generator: generator);
        var picks = randint(0, special.Length, [count], generator: generator);
        values.index_put_(tensor(special, dtype).index_select(0, picks), positions);
        return values;
    }
}
