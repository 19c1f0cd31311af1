using TorchSharp;
using TorchSharp.Modules;
using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.Examples.ShapesCnn;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TrainWatch.TorchSharp.Tests.Inspection.CheckedModels;

namespace TrainWatch.TorchSharp.Tests.Inspection;

/// <summary>
/// The model check stays silent on everything healthy: every standard TorchSharp init, the example and zoo models,
/// generated populations, norm-layer defaults and zero biases, and a checkpoint of a trained run.
/// </summary>
public sealed class ModelCheckCleanModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Every_standard_layer_init_raises_nothing(int seed)
    {
        manual_seed(seed);
        var norm = GroupNorm(4, 24);
        using (no_grad())
        {
            // The documented fix for TorchSharp's uninitialised GroupNorm.
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }

        using var model = new LayerHolder(Sequential(
            ("linear", Linear(300, 24)),
            ("wide", Linear(8192, 4)), // large fan-in: a small init scale
            ("narrow", Linear(1, 64)), // fan-in 1: the widest init
            ("conv1d", Conv1d(3, 24, 5)),
            ("conv2d", Conv2d(24, 24, 3)),
            ("pointwise", Conv2d(512, 24, 1)),
            ("deconv", ConvTranspose2d(24, 12, 4, stride: 2)),
            ("grouped", Conv2d(24, 24, 3, groups: 24)),
            ("embedding", Embedding(5000, 256)), // N(0, 1), up to ±5
            ("layernorm", LayerNorm(24)),
            ("batchnorm1d", BatchNorm1d(24)),
            ("batchnorm2d", BatchNorm2d(24)),
            ("instancenorm", InstanceNorm2d(24, affine: true)),
            ("groupnorm", norm),
            ("prelu", PReLU(24))));

        Assert.Empty(Findings(model));
    }

    [Fact]
    public void Standard_layers_built_on_leftover_memory_raise_nothing_because_they_initialise_it()
    {
        // Every standard layer but GroupNorm overwrites the memory it is given (the GroupNorm tests show the contrast).
        var layers = new (string Name, Func<Module> Create)[]
        {
            ("Linear", () => Linear(24, 24)), ("Conv2d", () => Conv2d(24, 24, 1)), ("ConvTranspose2d", () => ConvTranspose2d(24, 24, 1)),
            ("Bilinear", () => Bilinear(24, 24, 24)), ("Embedding", () => Embedding(24, 24)), ("PReLU", () => PReLU(24)),
            ("LSTM", () => LSTM(24, 24)), ("GRU", () => GRU(24, 24)), ("MultiheadAttention", () => MultiheadAttention(24, 4)),
            ("LayerNorm", () => LayerNorm(24)), ("BatchNorm1d", () => BatchNorm1d(24)), ("BatchNorm2d", () => BatchNorm2d(24)),
            ("InstanceNorm1d", () => InstanceNorm1d(24, affine: true)), ("InstanceNorm2d", () => InstanceNorm2d(24, affine: true)),
        };
        foreach (var (name, create) in layers)
        {
            for (int i = 0; i < 3; i++)
            {
                // Blocks of each size these layers' tensors take, left with garbage for them to be given.
                LeaveGarbage(24, 7.1e21f);
                LeaveGarbage(24 * 24, 7.1e21f);
                LeaveGarbage(3 * 24 * 24, 7.1e21f);
                using var layer = create();
                var findings = Findings(layer);
                Assert.True(findings.Count == 0, $"{name}: {string.Join("\n", findings.Values)}");
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void The_fault_zoo_and_example_models_raise_nothing(int seed)
    {
        foreach (string name in ZooModels.Names)
        {
            manual_seed(seed);
            using var model = ZooModels.Create(name);
            Assert.True(Findings(model) is { Count: 0 } none, $"{name}: {string.Join("\n", Findings(model).Values)}");
        }

        manual_seed(seed);
        using var shapes = new ShapesCnnModel(ShapesDataset.ClassCount);
        Assert.Empty(Findings(shapes));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    public void Generated_populations_with_their_standard_inits_raise_nothing(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 12; i++)
        {
            manual_seed(seed * 100 + i);
            using var model = random.Next(2) == 0 ? GeneratedMlp(random) : GeneratedCnn(random);
            var findings = Findings(model);
            Assert.True(findings.Count == 0, string.Join("\n", findings.Values));
        }
    }

    [Fact]
    public void A_checkpoint_of_a_trained_run_loads_clean()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "trained.bin");
        manual_seed(31);
        using (var model = new SmallCnn())
        using (var optimizer = optim.Adam(model.parameters(), 0.01, weight_decay: 1e-4))
        {
            var generator = new Generator(32);
            for (int step = 0; step < 150; step++)
            {
                using var scope = NewDisposeScope();
                var (x, y) = SmallCnn.Batch(16, generator);
                optimizer.zero_grad();
                functional.cross_entropy(model.call(x), y).backward();
                optimizer.step();
            }

            Assert.Empty(Findings(model));
            model.save(path);
        }

        manual_seed(33);
        using var loaded = new SmallCnn();
        loaded.load(path);

        Assert.Empty(Findings(loaded));
    }

    /// <summary>Holds layers that are not Tensor-to-Tensor modules (and so cannot be in a Sequential) beside one that is.</summary>
    private sealed class LayerHolder : Module<Tensor, Tensor>
    {
        private readonly Sequential layers;
        private readonly Bilinear bilinear = Bilinear(16, 20, 8);
        private readonly LSTM lstm = LSTM(24, 48, numLayers: 2);
        private readonly GRU gru = GRU(24, 48);
        private readonly MultiheadAttention attention = MultiheadAttention(64, 4);

        public LayerHolder(Sequential layers) : base(nameof(LayerHolder))
        {
            this.layers = layers;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => layers.call(input);
    }

    private static Sequential GeneratedMlp(Random random)
    {
        int[] widths = [1, 3, 17, 64, 300, 1024, 4096];
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long width = widths[random.Next(widths.Length)];
        int depth = random.Next(1, 6);
        for (int d = 0; d < depth; d++)
        {
            long next = widths[random.Next(widths.Length - 1)];
            layers.Add(($"fc{d}", Linear(width, next, hasBias: random.Next(4) != 0)));
            if (random.Next(3) == 0)
            {
                layers.Add(($"norm{d}", random.Next(2) == 0 ? LayerNorm(next) : BatchNorm1d(next)));
            }

            layers.Add(($"act{d}", random.Next(3) switch { 0 => ReLU(), 1 => Tanh(), _ => GELU() }));
            width = next;
        }

        layers.Add(("head", Linear(width, random.Next(1, 20))));
        return Sequential(layers.ToArray());
    }

    private static Sequential GeneratedCnn(Random random)
    {
        int[] channels = [1, 3, 8, 32, 96, 256];
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long width = channels[random.Next(3)];
        int depth = random.Next(1, 5);
        for (int d = 0; d < depth; d++)
        {
            long next = channels[random.Next(channels.Length)];
            int kernel = 1 + 2 * random.Next(4);
            layers.Add(($"conv{d}", random.Next(4) == 0 ? ConvTranspose2d(width, next, kernel) : Conv2d(width, next, kernel)));
            if (random.Next(2) == 0)
            {
                layers.Add(($"bn{d}", BatchNorm2d(next)));
            }

            layers.Add(($"act{d}", ReLU()));
            width = next;
        }

        layers.Add(("pool", AdaptiveAvgPool2d(1)));
        layers.Add(("flat", Flatten()));
        layers.Add(("head", Linear(width, 10)));
        return Sequential(layers.ToArray());
    }
}
