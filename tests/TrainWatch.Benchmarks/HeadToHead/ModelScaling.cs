using System.Diagnostics;
using TorchSharp;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>
/// How a sample step's cost grows with the model: MLPs from 0.2 M to 50 M parameters and from 10 to ~200 tensors,
/// big weights beside small biases and norm gains. For each: the training step without the watcher, the same step at
/// every = 1 with statistics only (its extra time is one sample step: hooks, statistics, the copy, the enqueue), the
/// floor (one <c>sum</c> over every parameter and gradient), and what that means at every = 100.
/// </summary>
public sealed class ModelScaling(string root, bool quick)
{
    private const int Batch = 32;
    private const int Inputs = 64;

    public void Run(ReportTable table)
    {
        var models = new (string Name, Func<Module<Tensor, Tensor>> Build, int Steps)[]
        {
            ("MLP 64→256×4→10", () => Mlp(256, 4, norm: false), 40),
            ("48 blocks of Linear 256 + LayerNorm", () => Mlp(256, 48, norm: true), 10),
            ("MLP 64→1024×8→10 + LayerNorm", () => Mlp(1024, 8, norm: true), 6),
            ("MLP 64→2048×12→10 + LayerNorm", () => Mlp(2048, 12, norm: true), 3),
        };

        foreach (var (name, build, steps) in models)
        {
            Measure(table, name, build, quick ? Math.Max(2, steps / 2) : steps, rounds: quick ? 3 : 5);
        }
    }

    private void Measure(ReportTable table, string name, Func<Module<Tensor, Tensor>> build, int steps, int rounds)
    {
        manual_seed(1);
        using var model = build();
        using var optimizer = optim.SGD(model.parameters(), 1e-3, momentum: 0.9);
        using var x = randn(Batch, Inputs);
        using var y = randint(10, [Batch]);
        var parameters = model.parameters().ToList();
        long count = parameters.Sum(p => p.numel());

        double Train(TrainWatcher? watch)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = functional.cross_entropy(model.call(x), y);
                loss.backward();
                watch?.Step(loss);
                optimizer.step();
            }

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / steps;
        }

        var plain = new List<double>();
        var watched = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            Train(null); // warm-up of this round's allocations
            plain.Add(Train(null));
            var options = new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null, Graph = false, CustomScalars = false };
            using var watch = TrainWatcher.Attach(model, optimizer, Path.Combine(root, $"scaling-{count}-{round}"), every: 1, options);
            Train(watch); // the first samples build layouts and warm the writer
            watched.Add(Train(watch));
        }

        var tensors = parameters.SelectMany(p => new[] { (Tensor)p, p.grad! }).ToList();
        var floor = HeadToHead.Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            foreach (var t in tensors)
            {
                t.sum();
            }
        }, quick ? 5 : 15, warmup: 2);

        using var rows = new ParameterRows(64);
        var statistics = HeadToHead.Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            rows.Rows(tensors);
        }, quick ? 5 : 15, warmup: 2);

        // Per round: the watched step's extra time is one sample step; against the floor and the plain step.
        var extra = watched.Select((w, round) => w - plain[round]).ToList();
        double floorMs = floor.Median.TotalMilliseconds;
        table.Add(
            name,
            $"{count / 1e6:F2} M / {parameters.Count}",
            WatcherOverhead.Spread(plain, "F2", " ms"),
            WatcherOverhead.Spread(extra, "F2", " ms"),
            HeadToHead.Measure.Format(floor),
            WatcherOverhead.Spread(extra.Select(e => e / floorMs), "F1", "×"),
            $"{statistics.Median / floor.Median:F1}×",
            WatcherOverhead.Spread(extra.Select((e, round) => e / (100 * plain[round]) * 100), "F2", " %"));
    }

    // Linear layers of `width` (each followed by LayerNorm when asked, then ReLU) between 64 inputs and 10 classes.
    private static Module<Tensor, Tensor> Mlp(int width, int layers, bool norm)
    {
        var modules = new List<(string, Module<Tensor, Tensor>)> { ("in", Linear(Inputs, width)), ("in_act", ReLU()) };
        for (int i = 0; i < layers; i++)
        {
            modules.Add(($"fc{i}", Linear(width, width)));
            if (norm)
            {
                modules.Add(($"norm{i}", LayerNorm(width)));
            }

            modules.Add(($"act{i}", ReLU()));
        }

        modules.Add(("out", Linear(width, 10)));
        return Sequential(modules);
    }
}
