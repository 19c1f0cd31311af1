using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// Mean and standard deviation stay accurate when |mean| ≫ std (norm-layer gains near 1, an embedding with an
/// offset), against a float64 reference of the same float32 values, on every path: one tensor, batched parameters,
/// and the robust row.
/// </summary>
public sealed class HighMeanPrecisionTests
{
    private const int Bins = 16;

    [Theory]
    [InlineData(1.0, 1e-4)] // |mean|/std = 1e4
    [InlineData(-300.0, 0.03)] // 1e4, negative
    [InlineData(5.0, 5e-3)] // 1e3
    [InlineData(0.0, 1.0)] // centred
    public void Fast_batched_and_robust_rows_match_a_float64_reference(double mean, double std)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var values = randn([4096], generator: generator).mul_(std).add_(mean);
        var (referenceMean, referenceStd) = Reference(values);

        var shape = DeviceStatistics.ShapeOf(values, UnitAxis.None, 0);
        var fast = TensorStats.FromFastRow(DeviceStatistics.FastRow(values, Bins, UnitAxis.None).data<double>().ToArray(), shape)!;
        var robust = TensorStats.FromRobustRow(DeviceStatistics.RobustRow(values, Bins, UnitAxis.None).data<double>().ToArray(), shape);

        // Batched beside tensors of other scales (a large weight, a small bias), as a model's parameters are: by libtorch
        // ops (the device path) and by the host kernels (the CPU path).
        Tensor[] batch = [randn([64, 64], generator: generator), values, randn([7], generator: generator).mul_(1e3)];
        var batched = InBatch(batch, hostKernels: false);
        var host = InBatch(batch, hostKernels: true);
        var hostRow = TensorStats.FromFastRow(RowReducer.FastRow(values, Bins, UnitAxis.None, 0).data<double>().ToArray(), shape)!;

        foreach (var (path, stats) in new[] { ("fast", fast), ("batched", batched), ("robust", robust), ("host batch", host), ("host row", hostRow) })
        {
            Assert.True(Math.Abs(stats.Mean - referenceMean) <= 1e-6 * Math.Abs(referenceMean) + 1e-3 * referenceStd, $"{path} mean {stats.Mean} vs {referenceMean}");
            Assert.True(Math.Abs(stats.Std - referenceStd) <= 1e-3 * referenceStd, $"{path} std {stats.Std} vs {referenceStd}");
        }
    }

    [Fact]
    public void The_old_formula_on_float32_sums_would_fail_this_data()
    {
        // Guards the test itself: Σx² − (Σx)²/n from float32 sums loses the variance at |mean|/std = 1e4.
        using var scope = NewDisposeScope();
        var values = randn([4096], generator: new Generator(3)).mul_(1e-4).add_(1.0);
        double n = values.numel();
        double sum = values.sum().item<float>();
        double squares = values.dot(values).item<float>();
        double naiveStd = Math.Sqrt(Math.Max(0, (squares - sum * sum / n) / (n - 1)));
        var (_, referenceStd) = Reference(values);
        Assert.True(Math.Abs(naiveStd - referenceStd) > 0.5 * referenceStd, $"naive {naiveStd} vs {referenceStd}");
    }

    // The second tensor's statistics, reduced with the others.
    private static TensorStats InBatch(Tensor[] batch, bool hostKernels)
    {
        using var rows = new ParameterRows(Bins, hostKernels);
        double[] host = cat(rows.Rows(batch).ToArray()).data<double>().ToArray();
        int length = StatisticsRow.FastLength(Bins, hasChannels: false);
        return TensorStats.FromFastRow(host.AsSpan(length, length), DeviceStatistics.ShapeOf(batch[1], UnitAxis.None, 0))!;
    }

    private static (double Mean, double Std) Reference(Tensor values)
    {
        double[] host = values.to(ScalarType.Float64).data<double>().ToArray();
        double mean = host.Average();
        double m2 = host.Sum(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(m2 / (host.Length - 1)));
    }
}
