using TorchSharp;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>The batched parameter rows of the device path (libtorch ops, forced here on the CPU) read exactly like one per-tensor fast row each.</summary>
public sealed class BatchedStatisticsTests
{
    private const int Bins = 16;

    [Fact]
    public void Batched_rows_equal_per_tensor_fast_rows_for_a_mix_of_shapes_and_dtypes()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var generator = new Generator(3);
        Tensor[] tensors =
        [
            randn([16, 3, 3, 3], generator: generator),
            tensor(2.5f), // scalar-shaped parameter
            tensor(new[] { -1.25f }), // one element
            full(37, 0.75f), // constant
            zeros(9), // all zero
            randn([300], generator: generator).relu(), // many exact zeros
            randn([40, 7], dtype: ScalarType.Float64, generator: generator), // float64: its own batch
            randn([65], generator: generator).to(ScalarType.Float16), // half: reduced as float32, batched with float32
            randn([2, 1000], generator: generator).mul(-3), // all segments but one row long: several rows
            tensor(new[] { 1e-30f, -1e-30f, 0f, 3f }),
            randn([5], dtype: ScalarType.Float64, generator: generator),
        ];

        using var rows = new ParameterRows(Bins, hostKernels: false);
        var batched = ToHost(rows.Rows(tensors));
        var reference = ToHost(tensors.Select(t => DeviceStatistics.FastRow(t, Bins, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None)).ToList());

        int length = StatisticsRow.FastLength(Bins, hasChannels: false);
        Assert.Equal(reference.Length, batched.Length);
        for (int i = 0; i < tensors.Length; i++)
        {
            var expected = reference.AsSpan(i * length, length);
            var actual = batched.AsSpan(i * length, length);
            string which = $"tensor {i} ({string.Join('x', tensors[i].shape)} {tensors[i].dtype})";

            // Both shift by the tensor's first element; the shifted sums are added in a different order (per row,
            // then in float64), so what they decode to is equal to float precision.
            Assert.True(expected[StatisticsRow.FastShift] == actual[StatisticsRow.FastShift], $"{which} shift");
            var shape = DeviceStatistics.ShapeOf(tensors[i], TrainWatch.TorchSharp.Statistics.UnitAxis.None, 0);
            var expectedStats = TensorStats.FromFastRow(expected, shape)!;
            var actualStats = TensorStats.FromFastRow(actual, shape)!;
            Assert.True(Close(expectedStats.Sum, actualStats.Sum), $"{which} sum {expectedStats.Sum} vs {actualStats.Sum}");
            Assert.True(Close(expectedStats.SumOfSquares, actualStats.SumOfSquares), $"{which} sum of squares");
            Assert.True(Close(expectedStats.Std, actualStats.Std), $"{which} std {expectedStats.Std} vs {actualStats.Std}");

            // Min, max, the zero count and every bucket are exact.
            Assert.True(expected[StatisticsRow.FastMin] == actual[StatisticsRow.FastMin], $"{which} min");
            Assert.True(expected[StatisticsRow.FastMax] == actual[StatisticsRow.FastMax], $"{which} max");
            Assert.True(expected[StatisticsRow.FastZeros] == actual[StatisticsRow.FastZeros], $"{which} zeros");
            int start = StatisticsRow.FastHistogramStart(false);
            Assert.Equal(expected[start..].ToArray(), actual[start..].ToArray());
        }
    }

    [Fact]
    public void A_batch_samples_the_histograms_above_the_limit_exactly_as_each_tensor_alone_would()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        const long limit = 500;
        Tensor[] tensors =
        [
            randn([40, 30], generator: generator), // 1,200 elements: stride 3, 400 counted
            randn([500], generator: generator), // at the limit: every element
            randn([7], generator: generator),
            randn([5000], generator: generator).relu(), // stride 11 (⌈5000/500⌉ = 10 is even), many zeros
            randn([501], generator: generator).mul_(4), // just above: stride 3
        ];

        // One batch, straight through BatchedStatistics (ParameterRows would batch these too; here nothing else can happen).
        using var layout = new SegmentLayout(tensors.Select(t => t.numel()).ToList(), Bins, CPU, ScalarType.Float32, limit);
        var batched = ToHost([BatchedStatistics.FastRows(tensors, layout, Bins)]);
        var alone = ToHost(tensors.Select(t => DeviceStatistics.FastRow(t, Bins, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None, histogramLimit: limit)).ToList());
        var exact = ToHost(tensors.Select(t => DeviceStatistics.FastRow(t, Bins, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None)).ToList());

        int length = StatisticsRow.FastLength(Bins, hasChannels: false);
        int start = StatisticsRow.FastHistogramStart(false);
        for (int i = 0; i < tensors.Length; i++)
        {
            string which = $"tensor {i} ({tensors[i].numel()} elements)";
            var expected = alone.AsSpan(i * length, length)[start..].ToArray();
            var actual = batched.AsSpan(i * length, length)[start..].ToArray();
            Assert.True(expected.SequenceEqual(actual), $"{which}: [{string.Join(", ", actual)}] batched, [{string.Join(", ", expected)}] alone");
            Assert.Equal(tensors[i].numel(), actual.Sum());

            // Sampled exactly where a tensor is above the limit: the positive control that sampling happened at all.
            bool sampled = !exact.AsSpan(i * length, length)[start..].SequenceEqual(actual);
            Assert.True(sampled == tensors[i].numel() > limit, $"{which}: sampled {sampled}");
        }
    }

    [Fact]
    public void A_non_finite_tensor_shows_in_its_own_row_only()
    {
        using var scope = NewDisposeScope();
        var healthy = arange(10, ScalarType.Float32);
        var broken = tensor(new[] { 1f, float.NaN, float.PositiveInfinity });
        var infinite = tensor(new[] { float.NegativeInfinity, 2f });
        using var rows = new ParameterRows(Bins, hostKernels: false);
        var host = ToHost(rows.Rows([healthy, broken, infinite, healthy]));

        int length = StatisticsRow.FastLength(Bins, hasChannels: false);
        var shape = new RowShape(10, 10, 0);
        Assert.NotNull(TensorStats.FromFastRow(host.AsSpan(0, length), shape));
        Assert.Null(TensorStats.FromFastRow(host.AsSpan(length, length), new RowShape(3, 3, 0)));
        Assert.Null(TensorStats.FromFastRow(host.AsSpan(2 * length, length), new RowShape(2, 2, 0)));
        var last = TensorStats.FromFastRow(host.AsSpan(3 * length, length), shape)!;
        Assert.Equal(45, last.Sum);
        Assert.Equal(0, last.Min);
        Assert.Equal(9, last.Max);
        Assert.Equal(10, last.Counts.ToArray().Sum());
    }

    [Fact]
    public void Cached_layouts_are_reused_and_released_with_the_rows()
    {
        var tensors = new[] { randn(100), randn(7), randn(3, 3) };
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var rows = new ParameterRows(Bins, hostKernels: false))
        {
            for (int step = 0; step < 5; step++)
            {
                using var scope = NewDisposeScope();
                ToHost(rows.Rows(tensors));
            }
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }

    private static bool Close(double expected, double actual) =>
        Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected));

    private static double[] ToHost(List<Tensor> parts) => cat(parts.ToArray()).cpu().data<double>().ToArray();
}
