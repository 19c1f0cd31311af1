using TorchSharp;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// Histograms of tensors above <see cref="WatchOptions.HistogramSampleLimit"/> are counted from a strided sample
/// (<see cref="HistogramSampling"/>): the same elements and the same scaled counts on the host kernels and on the device
/// path, every other statistic still exact, and each bucket's share within the bound docs/design.md states of the
/// exact count — on the weights a model holds, not only on tidy Gaussian noise.
/// </summary>
public sealed class HistogramSamplingTests
{
    private const int Bins = 64;

    [Fact]
    public void The_stride_is_the_smallest_odd_prime_that_keeps_the_sample_between_a_third_of_the_limit_and_the_limit()
    {
        Assert.Equal(1, HistogramSampling.Stride(1000, 1000));
        Assert.Equal(1, HistogramSampling.Stride(1L << 40, 0));
        Assert.Equal(3, HistogramSampling.Stride(1001, 1000)); // ⌈n/limit⌉ = 2 is even
        Assert.Equal(5, HistogramSampling.Stride(4000, 1000));
        Assert.Equal(11, HistogramSampling.Stride(8001, 1000)); // 9 = 3 · 3
        Assert.Equal(17, HistogramSampling.Stride(1L << 22, 1L << 18));

        var random = new Random(3);
        for (int i = 0; i < 20_000; i++)
        {
            long limit = random.Next(1, 1 << 20);
            long count = limit + 1 + (long)(random.NextDouble() * limit * random.Next(1, 300));
            long stride = HistogramSampling.Stride(count, limit);
            long counted = HistogramSampling.Counted(count, stride);
            long needed = (count + limit - 1) / limit;
            Assert.True(stride % 2 == 1 && IsPrime(stride), $"stride {stride} for {count} over {limit}");
            Assert.True(stride >= needed, $"stride {stride} below ⌈{count}/{limit}⌉");
            for (long smaller = needed | 1; smaller < stride; smaller += 2)
            {
                Assert.False(IsPrime(smaller), $"{smaller} is a smaller odd prime than {stride}");
            }

            Assert.InRange(counted, limit / 3 + 1, limit);
            Assert.Equal((count - 1) / stride, counted - 1); // the last counted index is below count
        }
    }

    [Fact]
    public void Scaled_counts_are_whole_numbers_that_add_up_to_the_whole_tensor()
    {
        double[] counts = [1, 1, 1, 0];
        HistogramSampling.Scale(counts, total: 10, counted: 3);
        Assert.Equal([4, 3, 3, 0], counts); // 3.33… rounds to 3 three times; the one left over goes to the first largest

        var random = new Random(5);
        for (int i = 0; i < 2000; i++)
        {
            long counted = random.Next(1, 100_000);
            long total = counted * random.Next(2, 200) + random.Next(0, 100);
            var sample = new double[random.Next(1, 200)];
            long left = counted;
            for (int b = 0; b < sample.Length - 1 && left > 0; b++)
            {
                long c = random.NextInt64(0, left + 1) / 4;
                sample[b] = c;
                left -= c;
            }

            sample[^1] += left;
            var scaled = (double[])sample.Clone();
            HistogramSampling.Scale(scaled, total, counted);
            Assert.Equal(total, scaled.Sum());
            double factor = (double)total / counted;
            for (int b = 0; b < scaled.Length; b++)
            {
                Assert.Equal(Math.Round(scaled[b]), scaled[b]);
                Assert.True(Math.Abs(scaled[b] - sample[b] * factor) <= sample.Length, $"bucket {b}: {scaled[b]} for {sample[b]} × {factor}");
            }
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32, UnitAxis.None, 0L)]
    [InlineData(ScalarType.Float64, UnitAxis.None, 0L)]
    [InlineData(ScalarType.Float32, 1, 3L)] // an activation: dead units over all of it, the rest over 3 batch entries
    [InlineData(ScalarType.Float16, UnitAxis.None, 0L)]
    public void The_host_kernels_and_the_device_path_count_the_same_sample(ScalarType dtype, int unitAxis, long sampleLimit)
    {
        using var scope = NewDisposeScope();
        var values = randn([40, 30, 37], generator: new Generator(11)).relu().to(dtype);
        const long limit = 1000;
        var device = DeviceStatistics.FastRow(values, Bins, unitAxis, sampleLimit, histogramLimit: limit).data<double>().ToArray();
        var host = RowReducer.FastRow(values, Bins, unitAxis, sampleLimit, histogramLimit: limit).data<double>().ToArray();
        var exact = RowReducer.FastRow(values, Bins, unitAxis, sampleLimit).data<double>().ToArray();

        var shape = DeviceStatistics.ShapeOf(values, unitAxis, sampleLimit);
        int start = StatisticsRow.FastHistogramStart(shape.HasChannels);
        Assert.True(shape.SampleCount > limit);
        Assert.Equal(device[start..], host[start..]);
        Assert.Equal(shape.SampleCount, host[start..].Sum());
        Assert.NotEqual(exact[start..], host[start..]); // a sample, not every element

        // Everything before the buckets is over every element: as without the limit.
        Assert.Equal(exact[..start], host[..start]);
        Assert.Equal(device[StatisticsRow.FastMin], host[StatisticsRow.FastMin]);
        Assert.Equal(device[StatisticsRow.FastMax], host[StatisticsRow.FastMax]);
        Assert.Equal(device[StatisticsRow.FastZeros], host[StatisticsRow.FastZeros]);
    }

    [Fact]
    public void Parameter_rows_sample_the_tensors_above_the_limit_on_both_paths_and_count_the_others_exactly()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(12);
        const long limit = 3000;
        Tensor[] tensors =
        [
            randn([64, 64], generator: generator).mul_(0.05), // above: sampled
            randn([64], generator: generator), // below: every element
            randn([3000], generator: generator), // at the limit: every element
            randn([3001], generator: generator), // just above: stride 3
            randn([50, 200], dtype: ScalarType.Float64, generator: generator),
            randn([40, 90], generator: generator).t(), // non-contiguous, above
            randn([10], generator: generator),

            // Above one chunk of the host passes (64K elements): moments from several chunks; the float32 one's sample
            // gathered in the moments pass, the float64 one's read a stride apart from its memory.
            randn([300_000], generator: generator),
            randn([70_000], dtype: ScalarType.Float64, generator: generator),
        ];

        using var hostRows = new ParameterRows(Bins, hostKernels: true, histogramLimit: limit);
        using var deviceRows = new ParameterRows(Bins, hostKernels: false, histogramLimit: limit);
        using var exactRows = new ParameterRows(Bins, hostKernels: true);
        var host = cat(hostRows.Rows(tensors).ToArray()).data<double>().ToArray();
        var device = cat(deviceRows.Rows(tensors).ToArray()).data<double>().ToArray();
        var exact = cat(exactRows.Rows(tensors).ToArray()).data<double>().ToArray();

        int length = StatisticsRow.FastLength(Bins, hasChannels: false);
        int start = StatisticsRow.FastHistogramStart(false);
        for (int i = 0; i < tensors.Length; i++)
        {
            var h = host.AsSpan(i * length, length).ToArray();
            var d = device.AsSpan(i * length, length).ToArray();
            var e = exact.AsSpan(i * length, length).ToArray();
            string what = $"tensor {i} ({string.Join('x', tensors[i].shape)})";
            Assert.True(d[start..].SequenceEqual(h[start..]), what);
            Assert.Equal(tensors[i].numel(), h[start..].Sum());
            Assert.True(e[..start].SequenceEqual(h[..start]), what);
            Assert.Equal(tensors[i].numel() > limit, !e[start..].SequenceEqual(h[start..]));
        }
    }

    [Fact]
    public void The_sample_gathered_in_the_moments_pass_counts_as_reading_it_from_the_tensor_does()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(13);
        const long limit = 3000;
        Tensor[] tensors =
        [
            randn([64, 64], generator: generator).mul_(0.05),
            randn([300_000], generator: generator), // several chunks of the moments pass
            randn([64], generator: generator),
            randn([50, 200], dtype: ScalarType.Float64, generator: generator), // float64: read from the tensor
            randn([40, 90], generator: generator).t(),
        ];

        // All gathered, none (every sample read a stride apart), and a budget that holds the first tensor's only.
        var gathered = HostRows.FastRows(tensors, Bins, limit);
        var read = HostRows.FastRows(tensors, Bins, limit, maxGathered: 0);
        var mixed = HostRows.FastRows(tensors, Bins, limit, maxGathered: HistogramSampling.Counted(64 * 64, HistogramSampling.Stride(64 * 64, limit)));
        Assert.Equal(read, gathered);
        Assert.Equal(read, mixed);

        // A sample longer than one chunk of the bucket pass (64K elements): its later chunks start inside the buffer.
        const long largeLimit = 100_000;
        Assert.True(HistogramSampling.Counted(300_000, HistogramSampling.Stride(300_000, largeLimit)) > 1 << 16);
        Assert.Equal(HostRows.FastRows([tensors[1]], Bins, largeLimit, maxGathered: 0), HostRows.FastRows([tensors[1]], Bins, largeLimit));

        // Positive control: the large tensor was sampled (its buckets differ from an exact count).
        var exact = HostRows.FastRows(tensors, Bins);
        int length = StatisticsRow.FastLength(Bins, hasChannels: false), start = StatisticsRow.FastHistogramStart(false);
        Assert.False(exact.AsSpan(length + start, Bins).SequenceEqual(gathered.AsSpan(length + start, Bins)));
    }

    public static TheoryData<string> Weights => ["randn", "uniform", "student-t", "trained-like", "relu-activation", "bias-like"];

    [Theory]
    [MemberData(nameof(Weights))]
    public void At_the_default_limit_every_bucket_share_is_within_the_stated_bound_of_the_exact_count(string kind)
    {
        using var scope = NewDisposeScope();
        var values = Realistic(kind, new Generator(21));
        long n = values.numel();
        long stride = HistogramSampling.Stride(n, HistogramSampling.DefaultLimit);
        long m = HistogramSampling.Counted(n, stride);
        Assert.True(stride > 1, $"{kind}: {n} elements are not above the limit");

        var exact = Buckets(RowReducer.FastRow(values, Bins, UnitAxis.None, 0));
        var sampled = Buckets(RowReducer.FastRow(values, Bins, UnitAxis.None, 0, histogramLimit: HistogramSampling.DefaultLimit));
        Assert.Equal(n, exact.Sum());
        Assert.Equal(n, sampled.Sum());

        // docs/design.md: one standard error of a bucket's share p is √(p(1 − p)/m), ≤ 0.5/√m; four of them, plus the
        // scaling's rounding (a bucket's count moves by less than bins/2 elements), bound every bucket here; and no
        // share is off by more than 1 % at the default limit (one standard error is at most 0.5/√m, 0.68 % at its smallest m).
        double worst = 0;
        for (int b = 0; b < Bins; b++)
        {
            double p = exact[b] / n, error = Math.Abs(sampled[b] / n - p);
            double bound = (4 * Math.Sqrt(p * (1 - p) / m)) + (Bins / 2.0 / n) + (1.0 / m);
            Assert.True(error <= bound, $"{kind}, bucket {b}: share {sampled[b] / n:F5} sampled, {p:F5} exact (bound {bound:F5}, {m} of {n} counted)");
            worst = Math.Max(worst, error);
        }

        Assert.True(worst < 0.01, $"{kind}: worst share error {worst}");
        Assert.True(worst > 0, $"{kind}: the sample gave the exact counts, so this test cannot tell sampled from exact");
    }

    [Fact]
    public void A_pattern_across_the_columns_is_met_evenly_because_the_stride_is_an_odd_prime()
    {
        // Even columns hold 0 and odd ones 1 (inputs of two kinds): an even stride would see only one kind in every
        // row. An odd prime steps across the columns row after row, so both kinds are met equally often.
        using var scope = NewDisposeScope();
        var values = arange(1024, dtype: ScalarType.Int64).remainder(2).to(ScalarType.Float32).repeat(3000, 1); // [3000, 1024]
        long n = values.numel(), stride = HistogramSampling.Stride(n, 1L << 18);
        var sampled = Buckets(RowReducer.FastRow(values, 2, UnitAxis.None, 0, histogramLimit: 1L << 18));
        Assert.Equal(13, stride);
        Assert.Equal([n / 2, n / 2], Buckets(RowReducer.FastRow(values, 2, UnitAxis.None, 0)));
        Assert.True(Math.Abs(sampled[0] - (n / 2)) <= 2.0 * n / HistogramSampling.Counted(n, stride), $"{sampled[0]} zeros sampled of {n / 2}");
    }

    [Fact]
    public void Data_that_repeats_at_the_stride_defeats_the_sample_as_the_docs_warn()
    {
        // The bound holds for values without structure at the stride's period; a pattern at exactly that period is
        // seen at one phase only. Here one element in every stride is 1, the rest 0: the sample sees only the ones.
        using var scope = NewDisposeScope();
        long n = 1L << 20, limit = 1L << 16;
        long stride = HistogramSampling.Stride(n, limit);
        var values = zeros(n);
        values.index_fill_(0, arange(0, n, stride), 1f);
        var sampled = Buckets(RowReducer.FastRow(values, 2, UnitAxis.None, 0, histogramLimit: limit));
        var exact = Buckets(RowReducer.FastRow(values, 2, UnitAxis.None, 0));
        Assert.Equal(n - HistogramSampling.Counted(n, stride), exact[0]);
        Assert.Equal([0, n], sampled);
    }

    [Fact]
    public void A_negative_limit_is_refused_and_the_default_is_two_to_the_14()
    {
        Assert.Equal(1 << 14, new WatchOptions().HistogramSampleLimit);
        using var dir = new TempDirectory();
        using var model = nn.Linear(4, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TrainWatcher.Attach(model, [optimizer], dir.Path, new WatchOptions { HistogramSampleLimit = -1 }));
        Assert.Equal(nameof(WatchOptions.HistogramSampleLimit), error.ParamName);
        Assert.False(Directory.EnumerateFileSystemEntries(dir.Path).Any());
    }

    // Weights and activations as a model holds them, each above the default limit (2^18).
    private static Tensor Realistic(string kind, Generator generator) => kind switch
    {
        "randn" => randn([1024, 1024], generator: generator).mul_(0.02),

        // Kaiming-uniform, as nn.Linear initialises its weight.
        "uniform" => rand([768, 3072], generator: generator).sub_(0.5).mul_(2.0 / Math.Sqrt(768)),

        // Student's t with 3 degrees of freedom: a heavy tail stretches min..max so most mass is in a few buckets.
        "student-t" => randn([2048, 512], generator: generator).div_(randn([3, 2048, 512], generator: generator).pow(2).sum([0]).div_(3).sqrt_()),

        // After training: rows (output units) of different scales, a few large outliers, a mean shift.
        "trained-like" => randn([1024, 1024], generator: generator)
            .mul_(rand([1024, 1], generator: generator).mul_(0.05).add_(0.005))
            .add_(randn([1024, 1024], generator: generator).mul_(0.3).mul_(rand([1024, 1024], generator: generator).lt(0.002)))
            .add_(0.001),

        // A conv activation after ReLU: half exact zeros, a spike in bucket 0.
        "relu-activation" => randn([16, 64, 32, 32], generator: generator).add_(randn([1, 64, 1, 1], generator: generator).mul_(0.5)).relu_(),

        // Near-constant: a norm gain after some training, its range tiny against its mean.
        "bias-like" => randn([600_000], generator: generator).mul_(1e-4).add_(1.0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static double[] Buckets(Tensor row)
    {
        var values = row.data<double>().ToArray();
        return values[StatisticsRow.FastHistogramStart(false)..];
    }

    private static bool IsPrime(long n)
    {
        if (n < 2)
        {
            return false;
        }

        for (long d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
