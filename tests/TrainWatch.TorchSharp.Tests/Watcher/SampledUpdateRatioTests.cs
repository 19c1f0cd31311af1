using System.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The update ratio of a weight above <see cref="WatchOptions.UpdateRatioSampleLimit"/> is measured on runs of
/// consecutive elements a period apart, or on every k-th element where rows are short: its snapshot holds only those,
/// the ratio stays within the stated error of the exact one on all three paths (host kernels, device ops, the
/// statistics pass), and an update confined to one row or one column is still seen.
/// </summary>
public sealed class SampledUpdateRatioTests
{
    private const long Limit = UpdateSampling.DefaultLimit;

    [Theory]
    [InlineData(new long[] { 1024, 1024 }, 67, 8)] // HistogramSampling's odd prime ≥ ⌈n / limit⌉ = 64; 16 · 67 > 1024 ≥ 8 · 67
    [InlineData(new long[] { 1_000_000, 64 }, 61, 1)] // rows too short for runs: capped by the row length, the largest odd prime ≤ 64 not dividing it
    [InlineData(new long[] { 5, 100_000 }, 3, 16)] // capped by the rows; 5 divides the row length
    [InlineData(new long[] { 400, 300 }, 11, 4)] // ⌈120,000 / 16,384⌉ = 8 → 11; 300 = 2²·3·5², so runs of 4 divide a row
    [InlineData(new long[] { 64, 32, 5, 5 }, 3, 16)] // a conv kernel: rows of 800, which 5 (⌈51,200 / 16,384⌉ = 4 → 5) divides
    [InlineData(new long[] { 64, 64, 3, 3 }, 1, 1)] // rows of 576 = 2⁶ · 3²: the one odd prime within reach, 3, divides it
    [InlineData(new long[] { 100_000 }, 1, 1)] // a vector is read whole
    [InlineData(new long[] { 128, 128 }, 1, 1)] // at the limit
    [InlineData(new long[] { 2, 1_000_000 }, 1, 1)] // no odd prime within a cap of 2
    public void The_stride_is_the_histograms_capped_by_the_rows_and_columns_and_runs_divide_a_row(long[] shape, long stride, long run)
    {
        var reads = UpdateSampling.For(shape, Limit);
        Assert.Equal((stride, run), (reads.Stride, reads.Run));
        Assert.Equal(UpdateReads.Every, UpdateSampling.For(shape, 0)); // 0: every element

        // About as many elements as one every k-th: at most one run more.
        long count = DeviceStatistics.Numel(shape);
        Assert.InRange(reads.Counted(count), HistogramSampling.Counted(count, stride), HistogramSampling.Counted(count, stride) + run);
    }

    [Fact]
    public void Read_elements_map_to_the_weight_and_back_and_are_counted_to_the_end_of_a_cut_last_run()
    {
        var reads = new UpdateReads(Stride: 3, Run: 4); // elements 0–3, 12–15, 24–27, …
        const long Count = 30; // the last run, 24–27, is whole; a weight of 26 cuts it to 24–25
        var read = Enumerable.Range(0, (int)Count).Where(i => reads.Reads(i)).Select(i => (long)i).ToArray();
        Assert.Equal([0, 1, 2, 3, 12, 13, 14, 15, 24, 25, 26, 27], read);
        Assert.Equal(read.Length, reads.Counted(Count));
        Assert.Equal(10, reads.Counted(26));
        Assert.Equal(read, Enumerable.Range(0, read.Length).Select(s => reads.ElementOf(s)));
        for (long i = 0; i <= Count; i++)
        {
            Assert.Equal(read.Count(e => e < i), reads.ReadsBefore(i));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_kernels_read_any_range_of_read_elements_even_one_that_starts_or_ends_inside_a_run(bool asDouble)
    {
        // The statistics pass hands the kernels the read elements of one chunk of the weight, the step after a sample
        // chunks of the snapshot. Chunks start at multiples of 16 elements today, so whole runs reach the kernels; the
        // kernels do not rely on it, and the mapping is checked on ranges that start and end anywhere.
        var random = new Random(5);
        foreach (var reads in new[] { new UpdateReads(Stride: 7, Run: 16), new UpdateReads(Stride: 5, Run: 4), new UpdateReads(Stride: 3, Run: 1), UpdateReads.Every })
        {
            RunKernels(reads, asDouble, random);
        }
    }

    private static void RunKernels(UpdateReads reads, bool asDouble, Random random)
    {
        long elements = (reads.Period * 40) + 5;
        long counted = reads.Counted(elements);
        var weight = Enumerable.Range(0, (int)elements).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
        var snapshot = Enumerable.Range(0, (int)counted).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
        foreach (var (first, count) in new (long, long)[] { (0, counted), (5, 100), (16, 16), (3, 9), (31, 2), (counted - 17, 17), (40, 0) }.Where(r => r.Item1 + r.Item2 <= counted))
        {
            double update = 0, norm = 0;
            for (long s = first; s < first + count; s++)
            {
                double now = asDouble ? weight[reads.ElementOf(s)] : (float)weight[reads.ElementOf(s)];
                double then = asDouble ? snapshot[s] : (float)snapshot[s];
                double difference = asDouble ? now - then : (float)now - (float)then;
                update += difference * difference;
                norm += then * then;
            }

            var ((measured, leftSnapshot), (kept, keptSnapshot), (copied, copiedSnapshot)) = asDouble
                ? CallKernels(weight, snapshot, reads, first, count)
                : CallKernels(weight.Select(v => (float)v).ToArray(), snapshot.Select(v => (float)v).ToArray(), reads, first, count);

            string range = $"{reads}, read elements {first} … {first + count - 1}";
            // The kernels' float32 paths round differently (squares in float32 lanes when a weight is read whole, the
            // difference in float64 a stride apart): within 1e-5, where a wrong element would be off by its own size.
            Assert.True(Math.Abs(measured.Update - update) <= 1e-5 * Math.Max(1, update), $"{range}: Σ(now − then)² {measured.Update} against {update}");
            Assert.True(Math.Abs(measured.Weight - norm) <= 1e-5 * Math.Max(1, norm), $"{range}: Σthen² {measured.Weight} against {norm}");
            Assert.Equal(measured, kept);
            Assert.Equal((0.0, 0.0), copied);

            // Both write exactly the range's elements over the snapshot, and nothing beside it.
            for (long s = 0; s < counted; s++)
            {
                double expected = s >= first && s < first + count ? weight[reads.ElementOf(s)] : snapshot[s];
                expected = asDouble ? expected : (float)expected;
                Assert.Equal(expected, keptSnapshot[s]);
                Assert.Equal(expected, copiedSnapshot[s]);
                Assert.Equal(asDouble ? snapshot[s] : (float)snapshot[s], leftSnapshot[s]); // Compute writes nothing
            }
        }
    }

    // Compute, ComputeAndKeep and Copy over the same range, each on a snapshot of its own: what each returned, and its
    // snapshot afterwards (in float64).
    private static unsafe (((double Update, double Weight), double[]) Measured, ((double Update, double Weight), double[]) Kept, ((double Update, double Weight), double[]) Copied) CallKernels<T>(T[] weight, T[] snapshot, UpdateReads reads, long first, long count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var left = (T[])snapshot.Clone();
        var keep = (T[])snapshot.Clone();
        var copy = (T[])snapshot.Clone();
        fixed (T* w = weight, l = left, k = keep, c = copy)
        {
            var measured = UpdateNormKernel.Compute(w, reads, first, l + first, count);
            var kept = UpdateNormKernel.ComputeAndKeep(w, reads, first, k + first, count);
            var copied = UpdateNormKernel.Copy(w, reads, first, c + first, count);
            static double[] Widened(T[] values) => [.. values.Select(double.CreateTruncating)];
            return ((measured, Widened(left)), (kept, Widened(keep)), (copied, Widened(copy)));
        }
    }

    [Fact]
    public void A_negative_limit_is_refused_before_anything_is_written_and_the_default_is_two_to_the_14()
    {
        Assert.Equal(1 << 14, new WatchOptions().UpdateRatioSampleLimit);
        using var dir = new TempDirectory();
        using var model = nn.Linear(4, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TrainWatcher.Attach(model, [optimizer], dir.Path, new WatchOptions { UpdateRatioSampleLimit = -1 }));
        Assert.Equal(nameof(WatchOptions.UpdateRatioSampleLimit), error.ParamName);
        Assert.False(Directory.EnumerateFileSystemEntries(dir.Path).Any());
    }

    [Fact]
    public void Every_row_and_every_column_holds_a_read_element()
    {
        int shapes = 0, runs = 0;
        for (long rows = 2; rows <= 90; rows += 11)
        {
            for (long columns = 2; columns <= 400; columns += 37)
            {
                var reads = UpdateSampling.For([rows, columns], limit: 50);
                var rowSeen = new bool[rows];
                var columnSeen = new bool[columns];
                for (long i = 0; i < rows * columns; i++)
                {
                    if (reads.Reads(i))
                    {
                        rowSeen[i / columns] = true;
                        columnSeen[i % columns] = true;
                    }
                }

                Assert.True(rowSeen.All(s => s) && columnSeen.All(s => s), $"[{rows}, {columns}] read as {reads}");
                shapes += reads.IsEvery ? 0 : 1;
                runs += reads.Run > 1 ? 1 : 0;
            }
        }

        // Positive control: most of these shapes were sampled, not read whole, and many of them in runs.
        Assert.True(shapes > 50, $"{shapes} sampled shapes");
        Assert.True(runs >= 5, $"{runs} shapes read in runs");
    }

    public enum Path
    {
        HostKernels,
        DeviceOps,
        StatisticsPass,
    }

    [Theory]
    [InlineData(Path.HostKernels)]
    [InlineData(Path.DeviceOps)]
    [InlineData(Path.StatisticsPass)]
    public void A_dense_update_is_estimated_within_its_error_from_a_snapshot_of_the_sample(Path path)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(21);
        var weight = new Parameter(randn([400, 300], generator: generator));
        var small = new Parameter(randn([50, 30], generator: generator)); // under the limit: exact
        Parameter[] weights = [weight, small];
        using var tracker = new UpdateRatioTracker(hostKernels: path != Path.DeviceOps, sampleLimit: Limit);

        var before = weights.Select(Float64).ToArray();
        var norms = Measure(tracker, weights, path, () =>
        {
            foreach (var w in weights)
            {
                w.add_(randn(w.shape, generator: generator).mul_(1e-3).add_(w.mul(1e-3)));
            }
        });

        // The snapshot of the big weight is its sample only: runs of 4 every 44 elements, not 120,000.
        var reads = UpdateSampling.For([400, 300], Limit);
        Assert.Equal(new UpdateReads(11, 4), reads);
        Assert.Equal(reads.Counted(120_000) + 1_500, tracker.BufferedElements);

        var after = weights.Select(Float64).ToArray();
        for (int i = 0; i < weights.Length; i++)
        {
            double exact = Norm(after[i], before[i]) / Norm(before[i], null);
            double estimate = norms[2 * i] / norms[(2 * i) + 1];

            // Three times √(2/m) for m ≈ 10,900 read elements (1.4 %); the small weight is read whole and exact.
            double tolerance = i == 0 ? 3 * Math.Sqrt(2.0 / reads.Counted(120_000)) : 1e-6;
            Assert.True(Math.Abs(estimate - exact) <= tolerance * exact, $"weight {i}: {estimate} vs exact {exact}");
        }

        // And the sample's norms are those of exactly the read elements, in float64: ‖Δ‖ and ‖w‖ over indexes 0–3, 44–47, ….
        var sampledBefore = before[0].Where((_, k) => reads.Reads(k)).ToArray();
        var sampledAfter = after[0].Where((_, k) => reads.Reads(k)).ToArray();
        Assert.True(Math.Abs(norms[0] - Norm(sampledAfter, sampledBefore)) <= 1e-6 * norms[0]);
        Assert.True(Math.Abs(norms[1] - Norm(sampledBefore, null)) <= 1e-6 * norms[1]);
    }

    [Theory]
    [InlineData(Path.HostKernels, true, 400, 300)]
    [InlineData(Path.DeviceOps, true, 400, 300)]
    [InlineData(Path.StatisticsPass, true, 400, 300)]
    [InlineData(Path.HostKernels, false, 400, 300)]
    [InlineData(Path.DeviceOps, false, 400, 300)]
    [InlineData(Path.StatisticsPass, false, 400, 300)]
    [InlineData(Path.HostKernels, true, 20_000, 8)] // an embedding's shape: the histogram's stride (11) would skip rows
    [InlineData(Path.DeviceOps, true, 20_000, 8)]
    [InlineData(Path.StatisticsPass, true, 20_000, 8)]
    public void An_update_of_one_row_or_one_column_is_seen(Path path, bool row, long rows, long columns)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(22);
        var weight = new Parameter(randn([rows, columns], generator: generator));
        using var tracker = new UpdateRatioTracker(hostKernels: path != Path.DeviceOps, sampleLimit: Limit);
        Assert.True(!UpdateSampling.For([rows, columns], Limit).IsEvery); // positive control: the weight is sampled

        // Every row and every column in turn would take thousands of measurements; a spread of them is enough (row 3
        // of the embedding is one that every 11th element misses).
        foreach (long index in new long[] { 0, 1, 3, 7, 10, 11, 12, 97, 150, 299, 398, 399, rows - 1 }.Where(i => i < (row ? rows : columns)).Distinct())
        {
            var norms = Measure(tracker, [weight], path, () =>
            {
                var line = row ? weight[TensorIndex.Single(index)] : weight[TensorIndex.Colon, TensorIndex.Single(index)];
                line.add_(0.5);
            });

            Assert.True(norms[0] > 0, $"{(row ? "row" : "column")} {index}: the update was not seen");
        }

        // Negative control: a weight left as it is reads exactly 0.
        Assert.Equal(0, Measure(tracker, [weight], path, () => { })[0]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_embedding_under_sgd_moving_one_row_a_step_reads_a_ratio_at_every_step_and_raises_no_alert(bool hostKernels)
    {
        // One token a step under plain SGD: one row of 20,000 moves. Every 11th element (the histogram's stride for
        // this size) would miss that row at about 3 steps in 11; the capped stride (7) reads an element of every row.
        using var dir = new TempDirectory();
        manual_seed(31);
        using var model = new OneTokenModel();
        using var optimizer = optim.SGD(model.parameters(), 0.5);
        var generator = new Generator(32);
        var options = new WatchOptions { AlertsToConsole = false, HostKernels = hostKernels, Pictures = null, Projector = null };
        const int Steps = 40;
        IReadOnlyList<Alert> alerts;
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, options))
        {
            for (int step = 0; step < Steps; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var token = randint(20_000, [1], generator: generator);
                var loss = (model.call(token) - 3).square().mean();
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }

            alerts = watch.Alerts.ToList();
        }

        var ratios = RunReader.Values(dir.Path)
            .Where(v => v.Value.Tag == LayerTags.UpdateRatio("embedding.weight"))
            .ToDictionary(v => v.Step, v => (double)v.Value.SimpleValue);
        Assert.Equal(Steps - 1, ratios.Count); // the last step's update is never measured
        Assert.All(ratios, r => Assert.True(r.Value > 0, $"step {r.Key}: ratio {r.Value}"));
        Assert.DoesNotContain(alerts, a => a.Kind == AlertKind.UnchangedWeights);
    }

    [Theory]
    [InlineData(Path.HostKernels)]
    [InlineData(Path.DeviceOps)]
    [InlineData(Path.StatisticsPass)]
    public void Weights_past_1e19_have_finite_norms_equal_to_a_float64_reference_on_every_path(Path path)
    {
        // A diverging run: some rows are ~1e20, whose squares are ∞ in float32. The host kernels add a weight read
        // whole in float32 lanes over blocks of 256 elements: such a block must be added again in float64, from the
        // snapshot's values as they were before the statistics pass wrote over them. Other blocks keep their fast lanes.
        var generator = new Generator(21);
        var weights = new[]
        {
            new Parameter(randn([400, 300], generator: generator)), // measured in runs of 4, 44 elements apart: the run loop, in float64
            new Parameter(randn([10, 50], generator: generator)), // read whole: two blocks and a tail
        };
        using (no_grad())
        {
            weights[0].narrow(0, 100, 20).mul_(1e20);
            weights[1].narrow(0, 2, 4).mul_(1e20);
        }

        using var tracker = new UpdateRatioTracker(hostKernels: path != Path.DeviceOps, sampleLimit: Limit);
        double[][] before = [];
        var norms = Measure(tracker, weights, path, () =>
        {
            before = [.. weights.Select(Float64)];
            foreach (var w in weights)
            {
                w.add_(randn(w.shape, generator: generator).mul_(w.abs()).mul_(1e-3));
            }
        });

        Assert.Equal(new UpdateReads(11, 4), UpdateSampling.For(weights[0].shape, Limit));
        Assert.Equal(UpdateReads.Every, UpdateSampling.For(weights[1].shape, Limit));
        for (int k = 0; k < weights.Length; k++)
        {
            var reads = UpdateSampling.For(weights[k].shape, Limit);
            var now = Float64(weights[k]);
            double update = 0, weight = 0;
            for (long i = 0; i < now.Length; i++)
            {
                if (reads.Reads(i))
                {
                    update += (now[i] - before[k][i]) * (now[i] - before[k][i]);
                    weight += before[k][i] * before[k][i];
                }
            }

            Assert.True(Math.Abs(norms[2 * k] - Math.Sqrt(update)) <= 1e-6 * Math.Sqrt(update), $"weight {k}: ‖Δw‖ {norms[2 * k]} against {Math.Sqrt(update)}");
            Assert.True(Math.Abs(norms[(2 * k) + 1] - Math.Sqrt(weight)) <= 1e-6 * Math.Sqrt(weight), $"weight {k}: ‖w‖ {norms[(2 * k) + 1]} against {Math.Sqrt(weight)}");
            Assert.InRange(Math.Sqrt(update) / Math.Sqrt(weight), 2e-4, 5e-3); // a relative step of 1e-3 (positive control)
        }

        foreach (var w in weights)
        {
            w.Dispose();
        }
    }

    // One sample step (snapshot), the update, then the measurement, on the given path; [‖Δw₀‖, ‖w₀‖, …].
    private static double[] Measure(UpdateRatioTracker tracker, Parameter[] weights, Path path, Action update)
    {
        // Twice: the statistics pass needs buffers made by a first snapshot, as in the watcher.
        for (int round = 0; round < 2; round++)
        {
            if (path == Path.StatisticsPass && tracker.BeginSnapshotPass(weights, round) is { } pass)
            {
                HostRows.FastRows(weights, 16, snapshot: pass, weightIndexes: Enumerable.Range(0, weights.Length).ToList());
                tracker.EndSnapshotPass(pass, weights);
                Assert.True(pass.Done);
            }
            else
            {
                tracker.Snapshot(weights, round);
            }
        }

        using (no_grad())
        {
            update();
        }

        if (path == Path.StatisticsPass)
        {
            var pass = tracker.BeginSnapshotPass(weights, 2)!;
            HostRows.FastRows(weights, 16, snapshot: pass, weightIndexes: Enumerable.Range(0, weights.Length).ToList());
            tracker.EndSnapshotPass(pass, weights);
            return pass.Norms!;
        }

        tracker.MeasureUpdate(weights);
        using var pending = tracker.TakePendingPart()!.Value.ToTensor();
        return pending.data<double>().ToArray();
    }

    private static double[] Float64(Parameter p) => p.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray();

    private static double Norm(double[] a, double[]? b) => Math.Sqrt(a.Select((x, k) => (x - (b?[k] ?? 0)) * (x - (b?[k] ?? 0))).Sum());

    private sealed class OneTokenModel : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embedding = nn.Embedding(20_000, 8);
        private readonly Linear head = nn.Linear(8, 1);

        public OneTokenModel() : base(nameof(OneTokenModel)) => RegisterComponents();

        public override Tensor forward(Tensor tokens) => head.call(embedding.call(tokens));
    }
}
