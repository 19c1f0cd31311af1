using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>
/// How a sample step's cost grows with the model: MLPs from 0.2 M to 50 M parameters and from 10 to ~200 tensors
/// (big weights beside small biases and norm gains), a small conv autoencoder and a small transformer block. For each:
/// the training step without the watcher, one sample step with statistics only (hooks, statistics, the copy, the
/// summaries, the enqueue, the update ratio's pass, registering the hooks: measured against plain steps of the same run at every = 4), the floor (one
/// <c>sum</c> over every parameter and gradient), and the overhead measured at every = 1, 10 and 100.
/// </summary>
public sealed class ModelScaling(string root, bool quick)
{
    private const int Batch = 32;
    private const int Inputs = 64;

    // Held: a temporary Scalar can be freed by a collection while libtorch reads it (docs/reliability.md).
    private static readonly Scalar s_one = 1;

    private int _runs;

    public void Run(ReportTable cost, ReportTable overhead)
    {
        var models = new Workload[]
        {
            Classifier("MLP 64→256×4→10", () => Mlp(256, 4, norm: false), 400),
            Classifier("48 blocks of Linear 256 + LayerNorm", () => Mlp(256, 48, norm: true), 10),
            Classifier("MLP 64→1024×8→10 + LayerNorm", () => Mlp(1024, 8, norm: true), 6),
            Classifier("MLP 64→2048×12→10 + LayerNorm", () => Mlp(2048, 12, norm: true), 3),
            Autoencoder(),
            Transformer(),
        };

        foreach (var workload in models)
        {
            Measure(cost, overhead, workload, rounds: quick ? 3 : 5);
        }
    }

    private void Measure(ReportTable costTable, ReportTable overheadTable, Workload workload, int rounds)
    {
        manual_seed(1);
        using var model = workload.Build();
        using var optimizer = workload.Optimizer(model.parameters());
        var (x, y) = workload.Data();
        using var input = x;
        using var target = y;
        var parameters = model.parameters().ToList();
        long count = parameters.Sum(p => p.numel());

        // Each run's steps, one time each. The watched runs start with one step of their own (step 0 is sampled:
        // layouts, the first summaries) before the timed steps, which then hold exactly one sample step per `every`.
        List<TimeSpan> Train(TrainWatcher? watch, int steps)
        {
            var times = new List<TimeSpan>(steps);
            for (int i = 0; i < steps; i++)
            {
                long start = Stopwatch.GetTimestamp();
                using (var scope = NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var loss = workload.Loss(model.call(input), target);
                    loss.backward();
                    watch?.Step(loss);
                    optimizer.step();
                }

                times.Add(Stopwatch.GetElapsedTime(start));
            }

            return times;
        }

        int everyOneSteps = quick ? Math.Max(2, workload.Steps / 2) : workload.Steps;
        int[] intervals = [1, 10, 100];
        int StepsAt(int every) => every switch
        {
            1 => everyOneSteps,
            10 => quick ? 10 : 100, // ten sample steps: two were within the noise of one slow step
            _ => 100,
        };

        var options = new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null, Graph = false, CustomScalars = false };
        // Per round: the plain run's and each watched run's mean step (the overhead table: every cost a step pays,
        // collections and the writer's thread included). The cost table's sample step comes from one more run, at
        // every = 4, where the steps around each sample differ: the sample step (4k), the step after it that measures
        // its update ratio (4k + 1; at every = 1 that pass rides in the sample step itself), a plain step (4k + 2) and
        // the step before the next sample, which registers the forward hooks (4k + 3; TorchSharp's ~3 µs a module,
        // kept registered at every = 1). One sample step costs the three of them less three plain steps, in medians.
        // The four kinds of step alternate within one run, so this shared machine's drift between two runs (often
        // larger than a small model's sample step) cancels, and medians are typical steps, which one collection or one
        // descheduling of the cores does not double.
        var plain = new List<double>();
        var sampleSteps = new List<double>();
        var floors = new List<double>();
        var floorsWithActivations = new List<double>();
        var activations = new List<Tensor>();
        var watched = intervals.ToDictionary(every => every, _ => new List<double>());
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                Train(null, workload.Steps); // warm-up of this round's allocations
                plain.Add(Train(null, 100).Average(t => t.TotalMilliseconds));
                foreach (int every in intervals)
                {
                    using var watch = TrainWatcher.Attach(model, optimizer, Path.Combine(root, $"scaling-{_runs++}"), every, options);
                    Train(watch, every == 1 ? everyOneSteps : 1);
                    watched[every].Add(Train(watch, StepsAt(every)).Average(t => t.TotalMilliseconds));
                }

                using (var alternate = TrainWatcher.Attach(model, optimizer, Path.Combine(root, $"scaling-{_runs++}"), 4, options))
                {
                    Train(alternate, 1); // step 0, sampled; the timed steps 1, 2, 3, 4, … are after, plain, before, sampled, …
                    var steps = Train(alternate, 4 * Math.Max(everyOneSteps, 10));
                    double Kind(int k) => Timing.Of(steps.Where((_, i) => i % 4 == k).ToList()).Median.TotalMilliseconds;
                    double after = Kind(0), plainStep = Kind(1), before = Kind(2), sampled = Kind(3);
                    sampleSteps.Add((sampled - plainStep) + (after - plainStep) + (before - plainStep));

                    // The outputs the hooks measured (leaves and modules with weights of their own, each module once),
                    // as tensors of their shapes: what a sample must also read when a model's activations outweigh
                    // its weights (the autoencoder's ~550,000 outputs are ~30 times its parameters and gradients).
                    if (round == 0 && alternate.LastRecording is { } recording)
                    {
                        activations.AddRange(recording.Calls
                            .Where((c, i) => recording.FinishIndex(c.Path) == i && (c.IsLeaf || c.Module.named_parameters(recurse: false).Any()))
                            .SelectMany(c => c.OutputShapes).Where(shape => DeviceStatistics.Numel(shape) > 0).Select(shape => randn(shape)));
                    }
                }

                // The floors in every round, beside the sample steps they divide: measured once after all rounds, a
                // floor met the machine in another state than the steps did (two floors of one model differed by 20 %
                // in one run), and a ratio of two medians from different minutes is noisier than either.
                var tensors = ParametersAndGradients();
                floors.Add(SumEach(tensors).Median.TotalMilliseconds);
                floorsWithActivations.Add(SumEach([.. tensors, .. activations]).Median.TotalMilliseconds);
            }
        }
        finally
        {
            activations.ForEach(a => a.Dispose());
        }

        // Read again each time: an optimizer may give a parameter a new gradient tensor at every step.
        List<Tensor> ParametersAndGradients() => parameters.SelectMany(p => new[] { (Tensor)p, p.grad! }).ToList();

        // One sum per tensor: the least a sample must do with each (read it once).
        Timing SumEach(IReadOnlyList<Tensor> all) => HeadToHead.Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            foreach (var t in all)
            {
                t.sum();
            }
        }, 5, warmup: 1);

        // The weights' and gradients' rows as the watcher computes them (histograms above the limit sampled).
        using var rows = new ParameterRows(64, histogramLimit: options.HistogramSampleLimit);
        var measured = ParametersAndGradients();
        var statistics = HeadToHead.Measure.Median(() =>
        {
            using var scope = NewDisposeScope();
            rows.Rows(measured);
        }, quick ? 5 : 15, warmup: 2);

        static Timing Spread(List<double> milliseconds) => Timing.Of(milliseconds.Select(TimeSpan.FromMilliseconds).ToList());
        double floorMs = Spread(floors).Median.TotalMilliseconds;
        costTable.Add(
            workload.Name,
            $"{count / 1e6:F2} M / {parameters.Count}",
            WatcherOverhead.Spread(plain, "F2", " ms"),
            WatcherOverhead.Spread(sampleSteps, "F2", " ms"),
            HeadToHead.Measure.Format(Spread(floors)),
            WatcherOverhead.Spread(sampleSteps.Select((e, round) => e / floors[round]), "F1", "×"),
            $"{statistics.Median.TotalMilliseconds / floorMs:F1}×",
            $"{HeadToHead.Measure.Format(Spread(floorsWithActivations))}: {WatcherOverhead.Spread(sampleSteps.Select((e, round) => e / floorsWithActivations[round]), "F1", "×")}");

        var cells = new List<string> { workload.Name, WatcherOverhead.Spread(plain, "F2", " ms") };
        cells.AddRange(intervals.Select(every => WatcherOverhead.Spread(watched[every].Select((w, round) => (w - plain[round]) / plain[round] * 100), "+0.0;-0.0", " %")));
        overheadTable.Add([.. cells]);
    }

    private static Workload Classifier(string name, Func<Module<Tensor, Tensor>> build, int steps) => new(
        name,
        build,
        () => (randn(Batch, Inputs), randint(10, [Batch])),
        (output, target) => functional.cross_entropy(output, target),
        parameters => optim.SGD(parameters, 1e-3, momentum: 0.9),
        steps);

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

    // The conv autoencoder of issue 26: 28×28 → 14×14×16 → 7×7×32 and back, the input its own target (also WholeRun's).
    internal static Workload Autoencoder() => new(
        "conv autoencoder 1→16→32→16→1 (28×28)",
        () => Sequential(
            ("enc1", Conv2d(1, 16, 3, stride: 2, padding: 1)),
            ("enc1_act", ReLU()),
            ("enc2", Conv2d(16, 32, 3, stride: 2, padding: 1)),
            ("enc2_act", ReLU()),
            ("dec1", ConvTranspose2d(32, 16, 3, stride: 2, padding: 1, output_padding: 1)),
            ("dec1_act", ReLU()),
            ("dec2", ConvTranspose2d(16, 1, 3, stride: 2, padding: 1, output_padding: 1)),
            ("out", Sigmoid())),
        () =>
        {
            var images = rand(Batch, 1, 28, 28);
            return (images, images.clone());
        },
        (output, target) => functional.mse_loss(output, target),
        parameters => optim.Adam(parameters, 1e-3),
        200);

    private static Workload Transformer() => new(
        "transformer block (dim 64, 4 heads, sequence 16)",
        () => new TransformerBlock(),
        () => (randn(Batch, TransformerBlock.Sequence, TransformerBlock.Features), randint(10, [Batch])),
        (output, target) => functional.cross_entropy(output, target),
        parameters => optim.Adam(parameters, 1e-3),
        200);

    /// <param name="Name">The table's row name.</param>
    /// <param name="Build">The model, built after seeding.</param>
    /// <param name="Data">One fixed batch: input and target.</param>
    /// <param name="Loss">The loss of an output against the target.</param>
    /// <param name="Optimizer">The optimizer over the model's parameters.</param>
    /// <param name="Steps">Steps of the every = 1 run: about a second of training for the fast models, so that its median is a typical step; fewer for slower models.</param>
    internal sealed record Workload(
        string Name,
        Func<Module<Tensor, Tensor>> Build,
        Func<(Tensor X, Tensor Y)> Data,
        Func<Tensor, Tensor, Tensor> Loss,
        Func<IEnumerable<Parameter>, optim.Optimizer> Optimizer,
        int Steps);

    /// <summary>
    /// A pre-norm transformer encoder block over a sequence classifier: embed → x + attention(norm(x)) →
    /// x + MLP(norm(x)) → norm → mean over time → head. Input [N, T, F], batch first; attention runs time first.
    /// </summary>
    private sealed class TransformerBlock : Module<Tensor, Tensor>
    {
        public const int Sequence = 16;
        public const int Features = 16;
        private const int Dim = 64;

        private readonly Linear embed;
        private readonly LayerNorm norm1;
        private readonly MultiheadAttention attention;
        private readonly LayerNorm norm2;
        private readonly Linear up;
        private readonly GELU gelu;
        private readonly Linear down;
        private readonly LayerNorm norm;
        private readonly Linear head;

        public TransformerBlock() : base(nameof(TransformerBlock))
        {
            embed = Linear(Features, Dim);
            norm1 = LayerNorm(Dim);
            attention = MultiheadAttention(Dim, 4);
            norm2 = LayerNorm(Dim);
            up = Linear(Dim, 4 * Dim);
            gelu = GELU();
            down = Linear(4 * Dim, Dim);
            norm = LayerNorm(Dim);
            head = Linear(Dim, 10);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = embed.call(input).transpose(0, 1); // [T, N, D]
            var normed = norm1.call(x);
            var (attended, _) = attention.call(normed, normed, normed, null, false, null);
            x = x.add(attended, s_one);
            x = x.add(down.call(gelu.call(up.call(norm2.call(x)))), s_one);
            return head.call(norm.call(x).mean([0]));
        }
    }
}
