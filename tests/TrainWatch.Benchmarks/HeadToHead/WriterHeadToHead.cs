using TorchSharp;
using TrainWatch.Events;
using TrainWatch.Imaging;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>
/// TorchSharp's own <c>torch.utils.tensorboard.SummaryWriter</c> against TrainWatch on the same inputs, both writing
/// real event files to disk; each timing runs until the data is on disk (TrainWatch: including Dispose, which drains,
/// writes and fsyncs; TorchSharp's writer writes and closes the file on every call). Scalars are timed a second way,
/// the records alone: from the first call until the writer has written them to the file, leaving out the per-run
/// costs (opening the file and its header, the fsync at Dispose), which are timed on their own.
/// </summary>
public sealed class WriterHeadToHead(string root, bool quick)
{
    private int _runs;

    public void Run(ReportTable table)
    {
        int histograms = quick ? 20 : 200;
        int rounds = quick ? 3 : 5;
        RunScalars(table, rounds);

        using var values = randn(1_000_000);
        long sampleLimit = new TrainWatch.TorchSharp.WatchOptions().HistogramSampleLimit;
        float[] hostValues = values.data<float>().ToArray();
        var transfer = new HostTransfer();
        var shape = DeviceStatistics.ShapeOf(values, TrainWatch.TorchSharp.Statistics.UnitAxis.None, 0);
        var histogramTimes = Measure.Interleaved(rounds, warmup: true, () =>
        {
            var writer = torch.utils.tensorboard.SummaryWriter(NewRun());
            for (int i = 0; i < histograms; i++)
            {
                writer.add_histogram("weights", values, i);
            }
        }, () =>
        {
            using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
            for (int i = 0; i < histograms; i++)
            {
                using var scope = NewDisposeScope();
                // What the watcher does with a CPU tensor: the host kernels' row, copied, decoded.
                var row = RowReducer.FastRow(values, 64, TrainWatch.TorchSharp.Statistics.UnitAxis.None, 0);
                var stats = TensorStats.FromFastRow(transfer.Copy([row]), shape)!;
                writer.AddHistogram("weights", stats.ToHistogram()!, i);
            }
        }, () =>
        {
            using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
            for (int i = 0; i < histograms; i++)
            {
                using var scope = NewDisposeScope();
                // As the watcher counts it by default: buckets from a strided sample above the limit, the rest exact.
                var row = RowReducer.FastRow(values, 64, TrainWatch.TorchSharp.Statistics.UnitAxis.None, 0, histogramLimit: sampleLimit);
                var stats = TensorStats.FromFastRow(transfer.Copy([row]), shape)!;
                writer.AddHistogram("weights", stats.ToHistogram()!, i);
            }
        }, () =>
        {
            using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
            for (int i = 0; i < histograms; i++)
            {
                writer.AddHistogram("weights", hostValues, i);
            }
        });
        var (torchHistograms, ourHistograms, ourSampledHistograms, ourSpanHistograms) = (histogramTimes[0], histogramTimes[1], histogramTimes[2], histogramTimes[3]);
        table.Add($"{histograms} histograms of a 1,000,000-float tensor, until on disk (every element counted)", Measure.Format(torchHistograms), Measure.Format(ourHistograms), Measure.Ratio(torchHistograms, ourHistograms), "≥ 10×");
        table.Add($"… TrainWatch as the watcher counts it (buckets from a strided sample of ≤ {sampleLimit:N0} elements)", Measure.Format(torchHistograms), Measure.Format(ourSampledHistograms), Measure.Ratio(torchHistograms, ourSampledHistograms), "≥ 10×");
        table.Add($"… TrainWatch from a host span (exponential buckets, bucketing on the writer thread)", Measure.Format(torchHistograms), Measure.Format(ourSpanHistograms), Measure.Ratio(torchHistograms, ourSpanHistograms), "≥ 10×");

        RunImage(table, rounds);
    }

    /// <summary>The scalar rows alone (the <c>scalars</c> mode runs only these).</summary>
    public void RunScalars(ReportTable table, int rounds)
    {
        const int scalars = 10_000;
        var recordTimes = Measure.InterleavedTimed(rounds, warmup: true, () =>
        {
            var writer = torch.utils.tensorboard.SummaryWriter(NewRun());
            return Measure.Time(() =>
            {
                for (int i = 0; i < scalars; i++)
                {
                    writer.add_scalar("loss", i * 1e-3f, i);
                }
            });
        }, () =>
        {
            using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
            return Measure.Time(() =>
            {
                for (int i = 0; i < scalars; i++)
                {
                    writer.AddScalar("loss", i * 1e-3, i);
                }

                writer.FlushToFile(); // written, not yet fsynced: the fsync is Dispose's, outside the clock
            });
        }, () => Measure.Time(() =>
        {
            // The per-run part alone: open (directory, file, header) and Dispose (drain, fsync, close) of an empty run.
            using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        }));
        var (torchRecords, ourRecords, perRun) = (recordTimes[0], recordTimes[1], recordTimes[2]);

        var (torchScalars, ourScalars) = Pair(rounds, () =>
        {
            var writer = torch.utils.tensorboard.SummaryWriter(NewRun());
            for (int i = 0; i < scalars; i++)
            {
                writer.add_scalar("loss", i * 1e-3f, i);
            }
        }, () =>
        {
            using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
            for (int i = 0; i < scalars; i++)
            {
                writer.AddScalar("loss", i * 1e-3, i);
            }
        });
        table.Add($"{scalars:N0} scalars, records only (first call until written to the file)", Measure.Format(torchRecords), Measure.Format(ourRecords), Measure.Ratio(torchRecords, ourRecords), "≥ 30×");
        table.Add($"{scalars:N0} scalars, until on disk (with the per-run part: open, header, fsync at Dispose)", Measure.Format(torchScalars), Measure.Format(ourScalars), Measure.Ratio(torchScalars, ourScalars), "—");
        table.Add("… the per-run part alone (TrainWatch: open, header, fsync at Dispose of an empty run)", "—", Measure.Format(perRun), "—", "—");
    }

    private void RunImage(ReportTable table, int repetitions)
    {
        const int kernels = 64, scale = 8;
        using var weights = randn(kernels, 3, 3, 3);
        int images = 20;

        var (torchImage, ourImage) = Pair(repetitions, () =>
        {
            var writer = torch.utils.tensorboard.SummaryWriter(NewRun());
            for (int i = 0; i < images; i++)
            {
                using var scope = NewDisposeScope();
                // The same picture as TrainWatch's grid: 8×8 kernels, each normalised and upscaled 8×.
                var min = weights.amin([1, 2, 3], keepdim: true);
                var max = weights.amax([1, 2, 3], keepdim: true);
                var normalised = (weights - min) / (max - min);
                var big = normalised.repeat_interleave(scale, 2).repeat_interleave(scale, 3);
                var grid = big.reshape(8, 8, 3, 3 * scale, 3 * scale).permute(2, 0, 3, 1, 4).reshape(3, 8 * 3 * scale, 8 * 3 * scale);
                writer.add_img("kernels", grid, i);
            }
        }, () =>
        {
            using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
            for (int i = 0; i < images; i++)
            {
                float[] data = weights.data<float>().ToArray();
                var grid = new TileGrid(data, kernels, 3, 3, 3, new TileGridOptions { Scale = scale, Padding = 0 });
                writer.AddImageGrid("kernels", grid, i);
            }
        });
        table.Add($"{images} PNG images of a 64-kernel conv grid (3×3×3, 8× upscaled)", Measure.Format(torchImage), Measure.Format(ourImage), Measure.Ratio(torchImage, ourImage), "—");
    }

    private static (Timing Theirs, Timing Ours) Pair(int rounds, Action theirs, Action ours)
    {
        var times = Measure.Interleaved(rounds, warmup: true, theirs, ours);
        return (times[0], times[1]);
    }

    private string NewRun() => Path.Combine(root, $"writer-{_runs++}");
}
