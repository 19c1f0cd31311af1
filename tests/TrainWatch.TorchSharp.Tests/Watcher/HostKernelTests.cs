using Google.Protobuf;
using TorchSharp;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The host kernels (the CPU path) give the rows the device path gives: min, max, zeros, dead units and every bucket
/// exactly, the sums to float precision — on every dtype, layout and size the watcher meets.
/// </summary>
public sealed class HostKernelTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(7)]
    public void Parameter_rows_equal_the_device_path_for_a_mix_of_shapes_dtypes_and_layouts(int bins)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        Tensor[] tensors =
        [
            randn([64, 3, 5, 5], generator: generator),
            tensor(2.5f), // scalar-shaped
            tensor(new[] { -1.25f }), // one element
            full(37, 0.75f), // constant
            zeros(9), // all zero
            randn([300], generator: generator).relu(), // many exact zeros
            randn([40, 7], dtype: ScalarType.Float64, generator: generator), // float64: counted in float64
            randn([65], generator: generator).to(ScalarType.Float16), // half: read as float32
            randn([33, 9], generator: generator).to(ScalarType.BFloat16),
            randn([50, 30], generator: generator).t(), // non-contiguous
            randn([20, 40], generator: generator)[.., 1..^1], // a strided slice
            randn([700, 1000], generator: generator).mul_(0.02), // several chunks: the threads share it
            tensor(new[] { 1e-30f, -1e-30f, 0f, 3f, -0f }),
            arange(1000, dtype: ScalarType.Int32), // integers: read as float32
        ];

        using var rows = new ParameterRows(bins);
        var host = cat(rows.Rows(tensors).ToArray()).data<double>().ToArray();
        int length = StatisticsRow.FastLength(bins, hasChannels: false);
        Assert.Equal(tensors.Length * length, host.Length);
        for (int i = 0; i < tensors.Length; i++)
        {
            var expected = DeviceStatistics.FastRow(tensors[i], bins, UnitAxis.None).data<double>().ToArray();
            AssertSameRow(tensors[i], expected, host.AsSpan(i * length, length).ToArray(), DeviceStatistics.ShapeOf(tensors[i], UnitAxis.None, 0), $"tensor {i} ({string.Join('x', tensors[i].shape)} {tensors[i].dtype})");
        }
    }

    [Fact]
    public void Statistics_match_a_float64_managed_reference()
    {
        using var scope = NewDisposeScope();
        var values = randn([1 << 18], generator: new Generator(9)).mul_(0.3).add_(0.1);
        var row = RowReducer.FastRow(values, 64, UnitAxis.None, 0).data<double>().ToArray();
        var stats = TensorStats.FromFastRow(row, DeviceStatistics.ShapeOf(values, UnitAxis.None, 0))!;

        float[] data = values.data<float>().ToArray();
        double sum = 0, squares = 0;
        foreach (float x in data)
        {
            sum += x;
            squares += (double)x * x;
        }

        double mean = sum / data.Length;
        double centred = data.Sum(x => (x - mean) * (x - mean));
        Assert.True(Math.Abs(stats.Sum - sum) <= 1e-6 * data.Length, $"sum {stats.Sum} vs {sum}");
        Assert.True(Math.Abs(stats.SumOfSquares - squares) <= 1e-6 * squares, $"squares {stats.SumOfSquares} vs {squares}");
        Assert.True(Math.Abs(stats.CentredSumOfSquares - centred) <= 1e-6 * centred, $"centred {stats.CentredSumOfSquares} vs {centred}");
        Assert.Equal(data.Min(), stats.Min);
        Assert.Equal(data.Max(), stats.Max);

        // Buckets by the rule written out: position (x − min) · scale in float32, truncated, the top edge in the last.
        float min = data.Min(), scale = 1f / (data.Max() - min) * 64;
        var counts = new double[64];
        foreach (float x in data)
        {
            counts[Math.Min((int)((x - min) * scale), 63)]++;
        }

        Assert.Equal(counts, stats.Counts.ToArray());
    }

    [Theory]
    [InlineData(1000)] // blocks of 256, then a tail shorter than two vectors
    [InlineData(37)]
    [InlineData(4096)]
    public void The_moments_pass_counts_zeros_and_finds_extremes_in_every_lane_and_the_tail(int length)
    {
        // Zeros (+0 and −0) in a third of the places, the extremes planted at the last element and in the middle of a
        // block, in float32 and float64: the masked zero count and the native min/max must see every lane.
        using var scope = NewDisposeScope();
        var random = new Random(length);
        var floats = new float[length];
        for (int i = 0; i < length; i++)
        {
            floats[i] = (i % 3) switch { 0 => 0f, 1 when i % 2 == 0 => -0f, _ => (float)(random.NextDouble() - 0.5) };
        }

        floats[length / 2] = -7.5f;
        floats[length - 1] = 9.25f;
        var doubles = floats.Select(x => (double)x).ToArray();
        double zeros = floats.Count(x => x == 0);
        double sum = doubles.Sum(), squares = doubles.Sum(x => x * x);

        foreach (var values in new[] { tensor(floats), tensor(doubles) })
        {
            var row = HostRows.FastRows([values], 16);
            var stats = TensorStats.FromFastRow(row, DeviceStatistics.ShapeOf(values, UnitAxis.None, 0))!;
            string what = values.dtype.ToString();
            Assert.True(zeros == row[StatisticsRow.FastZeros], $"{what}: {row[StatisticsRow.FastZeros]} zeros counted of {zeros}");
            Assert.True(row[StatisticsRow.FastMin] == -7.5 && row[StatisticsRow.FastMax] == 9.25, $"{what}: [{row[StatisticsRow.FastMin]}, {row[StatisticsRow.FastMax]}]");
            Assert.True(Math.Abs(stats.Sum - sum) <= 1e-5 * length, $"{what}: sum {stats.Sum} vs {sum}");
            Assert.True(Math.Abs(stats.SumOfSquares - squares) <= 1e-6 * squares, $"{what}: squares {stats.SumOfSquares} vs {squares}");
        }
    }

    [Fact]
    public void Reused_row_and_packing_buffers_give_each_sample_its_own_values()
    {
        // ParameterRows and the collector keep their host buffers from sample to sample: growing, shrinking and growing
        // again, each packing must hold exactly the rows a fresh computation gives, nothing left from the one before.
        using var scope = NewDisposeScope();
        var generator = new Generator(31);
        using var rows = new ParameterRows(16);
        var transfer = new HostTransfer();
        double[] packed = [];
        foreach (int count in new[] { 5, 2, 7 })
        {
            var tensors = Enumerable.Range(0, count).Select(i => randn([100 + (37 * i)], generator: generator).mul_(i + 1)).ToArray();
            packed = transfer.Copy(rows.Parts(tensors), packed);
            var expected = HostRows.FastRows(tensors, 16);
            Assert.True(packed.Length >= expected.Length);
            Assert.Equal(expected, packed.AsSpan(0, expected.Length).ToArray());
        }
    }

    [Fact]
    public void A_non_finite_value_sends_only_its_own_tensor_to_the_robust_row()
    {
        using var scope = NewDisposeScope();
        var healthy = randn([5000], generator: new Generator(1));
        var nan = randn([5000], generator: new Generator(2));
        nan[4321] = tensor(float.NaN);
        var inf = randn([300], generator: new Generator(3));
        inf[0] = tensor(float.PositiveInfinity); // the shift itself
        var minusInf = tensor(new[] { 1f, float.NegativeInfinity });
        var overflow = tensor(new[] { 3e38f, -3e38f }); // finite, but its square overflows float32

        using var rows = new ParameterRows(16);
        Tensor[] tensors = [healthy, nan, inf, minusInf, overflow, healthy];
        var host = cat(rows.Rows(tensors).ToArray()).data<double>().ToArray();
        int length = StatisticsRow.FastLength(16, hasChannels: false);
        var decoded = tensors.Select((t, i) => TensorStats.FromFastRow(host.AsSpan(i * length, length), DeviceStatistics.ShapeOf(t, UnitAxis.None, 0))).ToArray();
        Assert.NotNull(decoded[0]);
        Assert.Null(decoded[1]);
        Assert.Null(decoded[2]);
        Assert.Null(decoded[3]);
        Assert.Null(decoded[4]);
        Assert.Equal(decoded[0]!.Sum, decoded[5]!.Sum);
        Assert.Equal(5000, decoded[5]!.Counts.ToArray().Sum());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_range_too_narrow_for_distinct_edges_is_one_bucket_and_both_histogram_forms_agree(bool narrow)
    {
        using var scope = NewDisposeScope();
        using var rows = new ParameterRows(8);

        // 1 and the next double up: eight edges of equal width between them round to the same value.
        double top = narrow ? Math.BitIncrement(1.0) : 2.0;
        var values = tensor(new[] { 1.0, top, 1.0 }, ScalarType.Float64);
        var host = cat(rows.Rows([values]).ToArray()).data<double>().ToArray();
        var stats = TensorStats.FromFastRow(host.AsSpan(0, StatisticsRow.FastLength(8, false)), new RowShape(3, 3, 0))!;

        var histogram = stats.ToHistogram()!;
        Assert.Equal(narrow ? 1 : 8, histogram.Counts.Length);
        Assert.Equal(3, histogram.Counts.Sum());
        Assert.Equal(stats.Min, histogram.Edges[0]);

        // The histogram encoded straight from the counts is the message the edges give.
        var encoded = new TrainWatch.Summaries.SummaryEncoder();
        stats.AddHistogram(encoded, new TrainWatch.Summaries.PreparedTag("h"));
        Assert.Equal(TrainWatch.Summaries.HistogramSummary.FromBuckets(histogram)!.ToByteArray(), encoded.ToSummary().Value.Single().Histo.ToByteArray());
    }

    [Fact]
    public void An_empty_tensor_has_a_finite_empty_row()
    {
        using var scope = NewDisposeScope();
        using var rows = new ParameterRows(8);
        var host = cat(rows.Rows([zeros(0), ones(3)]).ToArray()).data<double>().ToArray();
        var empty = TensorStats.FromFastRow(host.AsSpan(0, StatisticsRow.FastLength(8, false)), new RowShape(0, 0, 0))!;
        Assert.Equal(0, empty.Finite);
        Assert.Equal(0, empty.Counts.ToArray().Sum());
        Assert.Null(empty.ToHistogram());
    }

    [Fact]
    public void Dead_units_on_the_last_axis_are_counted_afresh_at_every_call()
    {
        // The kernel's per-unit flags come from a pool: the flags a tensor of live units left in the array must not
        // make the next tensor's dead units look alive.
        using var scope = NewDisposeScope();
        var alive = ones(4, 24);
        var dead = ones(4, 24).index_fill_(1, tensor(new long[] { 0, 5, 23 }), 0f);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, HostRows.FastRow(alive, 16, unitAxis: 1, sampleLimit: 0)[StatisticsRow.FastDeadChannels]);
            Assert.Equal(3, HostRows.FastRow(dead, 16, unitAxis: 1, sampleLimit: 0)[StatisticsRow.FastDeadChannels]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 7)]
    [InlineData(40, 8)]
    [InlineData(40, 9)]
    [InlineData(33, 37)]
    [InlineData(64, 64)]
    [InlineData(17, 130)]
    public void Dead_units_on_the_last_axis_equal_the_device_path_whichever_row_brings_a_unit_alive(int rows, int units)
    {
        // The last-axis count stops once every unit has been seen nonzero. Here each unit comes alive in one random
        // row (the last included, or never): a count that stopped early, or skipped units it had not settled,
        // would call a live unit dead. Values are NaN, -0 (still zero) or ordinary; float32 and float64.
        using var scope = NewDisposeScope();
        var random = new Random(rows * 1000 + units);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            for (int trial = 0; trial < 6; trial++)
            {
                var values = new double[rows * units];
                for (int u = 0; u < units; u++)
                {
                    int alive = trial == 0 ? rows - 1 : random.Next(rows + 2); // rows and rows + 1: never
                    if (alive < rows)
                    {
                        values[alive * units + u] = random.Next(5) == 0 ? double.NaN : random.NextDouble() + 0.5;
                    }

                    int other = random.Next(rows) * units + u;
                    if (values[other] == 0 && random.Next(3) == 0)
                    {
                        values[other] = -0.0;
                    }
                }

                var tensor = torch.tensor(values, [rows, units]).to(dtype);
                double expected = DeviceStatistics.FastRow(tensor, 16, unitAxis: 1, sampleLimit: 0).data<double>()[StatisticsRow.FastDeadChannels];
                double actual = HostRows.FastRow(tensor, 16, unitAxis: 1, sampleLimit: 0)[StatisticsRow.FastDeadChannels];
                Assert.True(expected == actual, $"{dtype} {rows}x{units} trial {trial}: host {actual} dead units, device {expected}");
            }
        }
    }

    [Theory]
    [InlineData(new long[] { 8, 6, 5, 5 }, 1, 3)] // channels of an image batch
    [InlineData(new long[] { 4, 7, 12 }, 2, 2)] // features of a sequence batch, last axis
    [InlineData(new long[] { 16, 40 }, 1, 0)] // features of a flat batch
    [InlineData(new long[] { 3, 10, 6 }, 2, 0)] // no sample limit
    public void Activation_rows_with_dead_units_and_a_sample_limit_equal_the_device_path(long[] shape, int unitAxis, long sampleLimit)
    {
        using var scope = NewDisposeScope();
        var values = randn(shape, generator: new Generator(4)).relu();

        // Kill units 1 and 3 everywhere (and leave a -0 in one of them: still zero).
        values.index_fill_(unitAxis, tensor(new long[] { 1, 3 }), 0f);
        values.index_fill_(unitAxis, tensor(new long[] { 3 }), -0f);

        var expected = DeviceStatistics.FastRow(values, 16, unitAxis, sampleLimit).data<double>().ToArray();
        var actual = RowReducer.FastRow(values, 16, unitAxis, sampleLimit).data<double>().ToArray();
        var rowShape = DeviceStatistics.ShapeOf(values, unitAxis, sampleLimit);
        AssertSameRow(values.narrow(0, 0, sampleLimit > 0 ? sampleLimit : shape[0]), expected, actual, rowShape, string.Join('x', shape));
        Assert.Equal(2, actual[StatisticsRow.FastDeadChannels]);

        // A NaN keeps its unit alive, on both paths.
        values.index_fill_(unitAxis, tensor(new long[] { 1 }), float.NaN);
        Assert.Equal(
            DeviceStatistics.FastRow(values, 16, unitAxis, sampleLimit).data<double>()[StatisticsRow.FastDeadChannels],
            RowReducer.FastRow(values, 16, unitAxis, sampleLimit).data<double>()[StatisticsRow.FastDeadChannels]);
    }

    [Fact]
    public void A_tensor_over_two_to_the_24_elements_counts_every_element()
    {
        // Float32 counts would stop at 16,777,216 in a bucket; the device path counts such tensors in float64.
        using var scope = NewDisposeScope();
        var values = rand([(1L << 24) + 1000], generator: new Generator(6));
        values[0] = tensor(0f);
        values[1] = tensor(1f);
        var expected = DeviceStatistics.FastRow(values, 2, UnitAxis.None).data<double>().ToArray();
        var actual = RowReducer.FastRow(values, 2, UnitAxis.None, 0).data<double>().ToArray();
        AssertSameRow(values, expected, actual, DeviceStatistics.ShapeOf(values, UnitAxis.None, 0), "huge");
        Assert.Equal((1 << 24) + 1000, actual[StatisticsRow.FastHistogramStart(false)..].Sum());
    }

    [Fact]
    public void Rows_do_not_depend_on_thread_scheduling_and_leave_no_tensor_behind()
    {
        var tensors = Enumerable.Range(0, 30).Select(i => randn([1000 + 5000 * i], generator: new Generator((ulong)i))).ToArray();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var first = HostRows.FastRows(tensors, 64);
        for (int round = 0; round < 5; round++)
        {
            Assert.Equal(first, HostRows.FastRows(tensors, 64));
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }

    [Fact]
    public void Update_norms_equal_the_device_path_and_survive_the_callers_dispose_scope()
    {
        var generator = new Generator(8);
        var weights = new[]
        {
            new global::TorchSharp.Modules.Parameter(randn([300, 700], generator: generator)), // several chunks
            new global::TorchSharp.Modules.Parameter(randn([17], generator: generator)),
            new global::TorchSharp.Modules.Parameter(randn([5, 5], dtype: ScalarType.Float64, generator: generator)),
        };
        using var host = new UpdateRatioTracker(hostKernels: true);
        using var device = new UpdateRatioTracker(hostKernels: false);
        host.Snapshot(weights, step: 3);
        device.Snapshot(weights, step: 3);
        using (no_grad())
        {
            foreach (var w in weights)
            {
                w.add_(randn(w.shape, w.dtype, generator: generator).mul_(1e-3));
            }
        }

        using (NewDisposeScope())
        {
            host.MeasureUpdate(weights);
            device.MeasureUpdate(weights);
        }

        using var hostNorms = host.TakePendingPart()!.Value.ToTensor();
        using var deviceNorms = device.TakePendingPart()!.Value.ToTensor();
        var h = hostNorms.data<double>().ToArray();
        var d = deviceNorms.data<double>().ToArray();
        Assert.Equal(6, h.Length);
        for (int k = 0; k < h.Length; k++)
        {
            Assert.True(Math.Abs(h[k] - d[k]) <= 1e-6 * d[k], $"norm {k}: host {h[k]} vs device {d[k]}");
        }

        Assert.InRange(h[0] / h[1], 5e-4, 2e-3); // ‖Δw‖/‖w‖ of a 1e-3 step on unit weights
        foreach (var w in weights)
        {
            w.Dispose();
        }
    }

    // The host path against the device path's row: everything but the sums exactly. The sums against managed ones:
    // the shifted sums against float64 sums of the same float32 differences d = x − shift (the host path adds them
    // per short block in float32, then in float64), and what they decode to against a float64 reference of the values
    // (the device path adds in float32 over the whole tensor, so it is the less accurate of the two).
    private static void AssertSameRow(Tensor sampled, double[] expected, double[] actual, RowShape shape, string which)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected[StatisticsRow.FastShift] == actual[StatisticsRow.FastShift], $"{which} shift {expected[0]} vs {actual[0]}");
        var e = TensorStats.FromFastRow(expected, shape);
        var a = TensorStats.FromFastRow(actual, shape);
        Assert.True(e is null == a is null, $"{which}: one path saw a non-finite value");
        if (e is null || a is null)
        {
            return;
        }

        // Float64 differences are not float32-rounded: those are checked by the decoded statistics below.
        float[] values = sampled.numel() == 0 || sampled.dtype == ScalarType.Float64 ? [] : DeviceStatistics.AsFloat(sampled).contiguous().data<float>().ToArray();

        float shift = (float)actual[StatisticsRow.FastShift];
        double shiftedSum = 0, shiftedSquares = 0, absolute = 0;
        foreach (float x in values)
        {
            float d = x - shift;
            shiftedSum += d;
            shiftedSquares += (double)(d * d);
            absolute += Math.Abs(d);
        }

        if (values.Length > 0)
        {
            Assert.True(Math.Abs(actual[StatisticsRow.FastShiftedSum] - shiftedSum) <= 1e-6 * absolute + 1e-12, $"{which} shifted sum {actual[StatisticsRow.FastShiftedSum]} vs {shiftedSum}");
            Assert.True(Math.Abs(actual[StatisticsRow.FastShiftedSumOfSquares] - shiftedSquares) <= 1e-6 * shiftedSquares + 1e-12, $"{which} shifted squares");
        }

        var wide = DeviceStatistics.AsFloat(sampled).to(ScalarType.Float64).reshape(-1);
        double n = Math.Max(1, wide.numel());
        double mean = wide.sum().item<double>() / n;
        double std = wide.numel() > 1 ? wide.std().item<double>() : 0;
        Assert.True(Math.Abs(a.Mean - mean) <= 1e-5 * std + 1e-7 * Math.Abs(mean) + 1e-12, $"{which} mean {a.Mean} vs {mean} (device path {e.Mean})");
        Assert.True(Math.Abs(a.Std - std) <= 1e-5 * std + 1e-12, $"{which} std {a.Std} vs {std} (device path {e.Std})");
        Assert.True(expected[StatisticsRow.FastMin] == actual[StatisticsRow.FastMin], $"{which} min");
        Assert.True(expected[StatisticsRow.FastMax] == actual[StatisticsRow.FastMax], $"{which} max");
        Assert.True(expected[StatisticsRow.FastZeros] == actual[StatisticsRow.FastZeros], $"{which} zeros {expected[StatisticsRow.FastZeros]} vs {actual[StatisticsRow.FastZeros]}");
        if (shape.HasChannels)
        {
            Assert.True(expected[StatisticsRow.FastDeadChannels] == actual[StatisticsRow.FastDeadChannels], $"{which} dead units");
        }

        int start = StatisticsRow.FastHistogramStart(shape.HasChannels);
        Assert.True(expected[start..].SequenceEqual(actual[start..]), $"{which} buckets [{string.Join(',', expected[start..])}] vs [{string.Join(',', actual[start..])}]");
    }
}
