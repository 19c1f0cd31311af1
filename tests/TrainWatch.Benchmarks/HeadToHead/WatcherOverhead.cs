using System.Diagnostics;
using TorchSharp;
using TrainWatch.Events;
using TrainWatch.Examples.ShapesCnn;
using TrainWatch.TorchSharp.Reporting;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>
/// The watcher on the example CNN (batch 64 of 3×32×32): step time without it and at every = 100, 10, 1; one sample
/// step split into its stages; the physical floor (one reduction over every parameter and gradient); disk growth.
/// </summary>
public sealed class WatcherOverhead(string root, bool quick)
{
    private const int Batch = 64;

    public void Run(ReportTable overhead, ReportTable breakdown, ReportTable disk)
    {
        int steps = quick ? 100 : 600;
        var configurations = new (string Name, int? Every, bool StatisticsOnly, string Target)[]
        {
            ("no watcher", null, false, "—"),
            ("every = 100", 100, false, "≤ 1 %"),
            ("every = 10", 10, false, "≤ 2 %"),
            ("every = 1", 1, false, "≤ 15 %"),
            ("every = 1, statistics only (no pictures, projector, graph)", 1, true, "≤ 10 %"),
        };
        var results = configurations.ToDictionary(c => c.Name, _ => new List<double>());

        // Interleaved rounds: slow drift of a shared machine hits every configuration alike.
        for (int round = 0; round < (quick ? 3 : 5); round++)
        {
            foreach (var (name, every, statisticsOnly, _) in configurations)
            {
                results[name].Add(MeanStepMilliseconds(every, statisticsOnly, steps, round));
            }
        }

        // Each round's overhead against the same round's run without the watcher, then their median and spread.
        var baseline = results[configurations[0].Name];
        overhead.Add(configurations[0].Name, Spread(baseline, "F2", " ms"), "—", "—");
        foreach (var (name, _, _, target) in configurations.Skip(1))
        {
            var percent = results[name].Select((t, round) => (t - baseline[round]) / baseline[round] * 100).ToList();
            overhead.Add(name, Spread(results[name], "F2", " ms"), Spread(percent, "+0.0;-0.0", " %"), target);
        }

        Breakdown(breakdown);
        Disk(disk);
    }

    private double MeanStepMilliseconds(int? every, bool statisticsOnly, int steps, int round)
    {
        manual_seed(1);
        using var data = new ShapesDataset(7, CPU);
        using var model = new ShapesCnnModel(ShapesDataset.ClassCount);
        using var optimizer = optim.SGD(model.parameters(), 0.02, momentum: 0.9);
        var options = new WatchOptions { AlertsToConsole = false };
        if (statisticsOnly)
        {
            options = options with { Pictures = null, Projector = null, Graph = false, CustomScalars = false };
        }

        using var watch = every is { } n
            ? TrainWatcher.Attach(model, optimizer, Path.Combine(root, $"overhead-{n}-{statisticsOnly}-{round}"), every: n, options)
            : null;

        void Step()
        {
            using var scope = NewDisposeScope();
            var (x, y) = data.NextBatch(Batch);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            watch?.Step(loss);
            optimizer.step();
        }

        for (int i = 0; i < 10; i++)
        {
            Step();
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++)
        {
            Step();
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / steps;
    }

    private void Breakdown(ReportTable table)
    {
        manual_seed(1);
        using var data = new ShapesDataset(7, CPU);
        using var model = new ShapesCnnModel(ShapesDataset.ClassCount);
        // As the watcher opens its writer: summaries are built on the caller's (training) thread (docs/reliability.md).
        using var writer = new SummaryWriter(Path.Combine(root, "breakdown"), new EventWriterOptions { BuildOnCallerThread = true });
        var tags = new SummaryTags();
        var (x, y) = data.NextBatch(Batch);
        nn.functional.cross_entropy(model.call(x), y).backward();
        var parameters = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        var tensors = parameters.SelectMany(p => new[] { p.parameter, p.parameter.grad! }).ToList();
        var transfer = new HostTransfer();
        int reps = quick ? 20 : 100;

        var floor = Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            foreach (var t in tensors)
            {
                t.sum();
            }
        }, reps, warmup: 5);

        var perTensor = Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            foreach (var t in tensors)
            {
                DeviceStatistics.FastRow(t, 64, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None);
            }
        }, reps, warmup: 5);

        // The device path (libtorch ops, as on a GPU), batched by device and dtype (BatchedStatistics).
        using var libtorchRows = new ParameterRows(64, hostKernels: false, histogramLimit: HistogramSampling.DefaultLimit);
        var batched = Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            libtorchRows.Rows(tensors);
        }, reps, warmup: 5);

        // What the collector does with CPU tensors: the host kernels (HostRows).
        using var parameterRows = new ParameterRows(64, histogramLimit: HistogramSampling.DefaultLimit);
        var device = Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            parameterRows.Rows(tensors);
        }, reps, warmup: 5);

        List<Tensor> Rows() => parameterRows.Rows(tensors);
        var deviceAndCopy = Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            transfer.Copy(Rows());
        }, reps, warmup: 5);
        var hostCopy = deviceAndCopy.Median > device.Median ? deviceAndCopy.Median - device.Median : TimeSpan.Zero;

        using var collector = new SampleCollector(parameters, 64, transfer, histogramLimit: HistogramSampling.DefaultLimit);
        SampleData sample;
        using (var scope = NewDisposeScope())
        {
            sample = collector.Collect(0, null, [], null, null, -1, [("", 0.02)], 10);
        }

        var values = new SummaryEncoder();
        var build = Measure.Median(() =>
        {
            values.Clear();
            SampleSummaries.Encode(sample, values, tags);
        }, reps, warmup: 5);
        var enqueue = Measure.Median(() => writer.AddEncoded(0, v => SampleSummaries.Encode(sample, v, tags)), reps, warmup: 5);
        var total = Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            var host = transfer.Copy(Rows());
            writer.AddEncoded(0, v => SampleSummaries.Encode(sample, v, tags));
        }, reps, warmup: 5);

        table.Add($"floor: one reduction (`sum`) over every parameter and gradient ({parameters.Count} + {parameters.Count} tensors, {tensors.Sum(t => t.numel()):N0} floats)", Measure.Format(floor), "1.0×", "");
        table.Add("libtorch ops, one tensor at a time (`DeviceStatistics.FastRow` each; the device path)", Measure.Format(perTensor), $"{perTensor.Median / floor.Median:F1}×", "");
        table.Add("libtorch ops, all parameters and gradients batched (`BatchedStatistics`; the device path)", Measure.Format(batched), $"{batched.Median / floor.Median:F1}×", "");
        table.Add("host kernels, all parameters and gradients (`HostRows`; the CPU path)", Measure.Format(device), $"{device.Median / floor.Median:F1}×", "");
        table.Add("pack + the one host copy", Measure.Format(hostCopy), "", "");
        table.Add("summary encoding (on the training thread, as the watcher does it since issue 24; `SummaryEncoder` since issue 26)", Measure.Format(build), "", "");
        table.Add("enqueue, encoding included (training thread)", Measure.Format(enqueue), "", "");
        table.Add("**sample step on the training thread** (statistics + copy + building + enqueue)", Measure.Format(total), $"**{total.Median / floor.Median:F1}×**", "≤ 3×");
    }

    private void Disk(ReportTable table)
    {
        string dir = Path.Combine(root, "disk");
        manual_seed(1);
        using var data = new ShapesDataset(7, CPU);
        using var model = new ShapesCnnModel(ShapesDataset.ClassCount);
        using var optimizer = optim.SGD(model.parameters(), 0.02, momentum: 0.9);
        const int every = 10, samples = 10;
        using (var watch = TrainWatcher.Attach(model, optimizer, dir, every: every, new WatchOptions { AlertsToConsole = false }))
        {
            for (int i = 0; i < every * samples; i++)
            {
                using var scope = NewDisposeScope();
                var (x, y) = data.NextBatch(16);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), y);
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }
        }

        long bytes = Directory.GetFiles(dir, "*tfevents*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        double perSample = bytes / (double)samples;
        table.Add("bytes per sample step (statistics + histograms)", $"{perSample / 1024:F1} KiB");
        foreach (int n in new[] { 100, 10, 1 })
        {
            table.Add($"bytes per 1,000 steps at every = {n}", $"{perSample * 1000 / n / (1024 * 1024):F2} MiB");
        }
    }

    // "median (min–max)" of per-round values.
    internal static string Spread(IEnumerable<double> values, string format, string unit)
    {
        var sorted = values.Order().ToList();
        // "+0.0;-0.0" writes a small negative value that rounds to zero as "-+0.0": it is "+0.0".
        string F(double v) => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) is var text && text.StartsWith("-+", StringComparison.Ordinal) ? text[1..] : text;
        return $"{F(sorted[sorted.Count / 2])}{unit} ({F(sorted[0])} – {F(sorted[^1])})";
    }
}
