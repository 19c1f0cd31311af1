using TorchSharp.Modules;
using TorchSharp;
using TrainWatch.Events;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// Inputs a real training loop can hand the watcher that are not the textbook float32 case. Each has a defined
/// behaviour (measured, sanitised, skipped or counted) and none may fail a sample or reach the training loop.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly WatchOptions s_quiet = new() { AlertsToConsole = false };

    [Fact]
    public void Empty_parameters_are_skipped_and_the_rest_of_the_sample_is_kept()
    {
        using var model = new WithEmptyParameter();
        var values = WatchOneStep(model, randn(3, 4));

        Assert.Contains(values, v => v.Value.Tag == LayerTags.WeightStatistic("norm", "fc.weight"));
        Assert.Contains(values, v => v.Value.Tag == LayerTags.GradientStatistic("norm", "fc.weight"));
        Assert.DoesNotContain(values, v => v.Value.Tag == LayerTags.WeightHistogram("empty"));
    }

    [Fact]
    public void Bfloat16_models_are_measured_like_float32_ones()
    {
        using var model = Sequential(("fc1", Linear(4, 8)), ("relu", ReLU()), ("fc2", Linear(8, 2)));
        model.to(ScalarType.BFloat16);
        var values = WatchOneStep(model, randn(5, 4).to(ScalarType.BFloat16));

        var fc1 = model.named_parameters().Single(p => p.name == "fc1.weight").parameter;
        float expectedNorm = fc1.to(ScalarType.Float32).norm().item<float>();
        Assert.Equal(expectedNorm, RunReader.Scalar(values, LayerTags.WeightStatistic("norm", "fc1.weight"), 0), 3);
        Assert.Equal(8 * 4, RunReader.Histogram(values, LayerTags.WeightHistogram("fc1.weight"), 0).Num);
        Assert.Contains(values, v => v.Value.Tag == LayerTags.ActivationStatistic("mean", "relu"));
    }

    [Fact]
    public void Non_contiguous_parameters_and_activations_give_the_same_statistics_as_their_contiguous_copies()
    {
        using var model = new NonContiguous();
        Assert.False(model.Transposed.is_contiguous());
        var values = WatchOneStep(model, randn(6, 4));

        using var copy = model.Transposed.contiguous();
        float expectedNorm = copy.norm().item<float>();
        float expectedMax = copy.max().item<float>();
        Assert.Equal(expectedNorm, RunReader.Scalar(values, LayerTags.WeightStatistic("norm", "transposed"), 0), 4);
        Assert.Equal(expectedMax, RunReader.Histogram(values, LayerTags.WeightHistogram("transposed"), 0).Max, 5);
        Assert.Equal(6 * 8, RunReader.Histogram(values, LayerTags.ActivationHistogram("permute"), 0).Num);
    }

    [Fact]
    public void Integer_and_boolean_module_outputs_are_measured_as_numbers()
    {
        using var model = new IntegerOutputs();
        var values = WatchOneStep(model, randn(6, 4));

        var classes = RunReader.Histogram(values, LayerTags.ActivationHistogram("argmax"), 0);
        Assert.Equal(4, classes.Num); // the first 4 samples of the batch
        Assert.InRange(classes.Min, 0, 7);
        Assert.InRange(classes.Max, classes.Min, 7);
        Assert.Equal(4, RunReader.Histogram(values, LayerTags.ActivationHistogram("positive"), 0).Num);
    }

    [Fact]
    public void A_tensor_over_sixteen_million_entries_in_one_bucket_is_counted_exactly()
    {
        // float32 counters stop at 2^24: one more than that in a single bucket must still be counted.
        const long Size = (1L << 24) + 2; // Size - 1 has no float32 form

        // In a scope, as the watcher calls it: FastRow's intermediates are then held by the scope. Without one, a
        // garbage collection on another thread could finalize a 64 MB intermediate while libtorch still reads it (the
        // likely native crash of one CI run, where this test was in progress).
        using var scope = NewDisposeScope();
        var values = zeros(Size);
        values[Size - 1] = tensor(1f);
        var row = Statistics.DeviceStatistics.FastRow(values, 4, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None);
        var stats = Sampling.TensorStats.FromFastRow(row.data<double>().ToArray(), Statistics.DeviceStatistics.ShapeOf(values, TrainWatch.TorchSharp.Statistics.UnitAxis.None, 0))!;

        Assert.Equal(Size - 1, stats.Counts[0]);
        Assert.Equal(1, stats.Counts[^1]);
        Assert.Equal(Size, stats.Counts.ToArray().Sum());
        Assert.Equal((double)(Size - 1) / Size, stats.ZeroFraction, 12);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("inf")]
    [InlineData("integer")]
    [InlineData("per-sample")]
    [InlineData("empty")]
    [InlineData("half")]
    public void Unusual_losses_are_logged_or_skipped_never_failing_the_sample(string kind)
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("fc", Linear(4, 2)));
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        double? expected;
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet))
        {
            using var scope = NewDisposeScope();
            var output = model.call(randn(3, 4));
            output.square().mean().backward();
            (Tensor loss, expected) = kind switch
            {
                "nan" => (tensor(float.NaN), double.NaN),
                "inf" => (tensor(float.PositiveInfinity), double.PositiveInfinity),
                "integer" => (tensor(7L), 7.0),
                "per-sample" => (tensor(new[] { 1f, 2f, 6f }), 3.0),
                "empty" => (zeros(0), (double?)null),
                "half" => (tensor(0.5f).to(ScalarType.Float16), 0.5),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            watch.Step(loss);
            Assert.Equal(0, watch.FailedSamples);
        }

        var values = RunReader.Values(dir.Path);
        Assert.Contains(values, v => v.Value.Tag == LayerTags.WeightStatistic("norm", "fc.weight"));
        if (expected is { } value)
        {
            Assert.Equal(value, RunReader.Scalar(values, RunTags.Loss, 0), 5);
        }
        else
        {
            Assert.DoesNotContain(values, v => v.Value.Tag == RunTags.Loss);
        }
    }

    [Fact]
    public void Module_names_with_separators_dots_control_characters_and_unicode_stay_tags_and_never_become_paths()
    {
        using var dir = new TempDirectory();
        string runDirectory = Path.Combine(dir.Path, "run");
        string longName = new string('w', 5000);
        using var model = Sequential(
            ("../../escape", Linear(4, 8)),
            ("bell\u0007/..", ReLU()),
            ("слой🙂", Linear(8, 8)),
            (longName, Linear(8, 2)));
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, runDirectory, every: 1, s_quiet with { Graph = true }))
        {
            for (int i = 0; i < 2; i++)
            {
                TrainOnce(model, watch, randn(3, 4));
            }

            Assert.Equal(0, watch.FailedSamples);
        }

        Assert.Equal([runDirectory], Directory.GetDirectories(dir.Path));
        Assert.All(Directory.GetFileSystemEntries(runDirectory, "*", SearchOption.AllDirectories), path => Assert.StartsWith(runDirectory + Path.DirectorySeparatorChar, path));
        var tags = RunReader.Values(runDirectory).Select(v => v.Value.Tag).ToHashSet();
        Assert.Contains(LayerTags.WeightStatistic("norm", "../../escape.weight"), tags);
        Assert.Contains(LayerTags.ActivationStatistic("mean", "bell_/.."), tags);
        Assert.Contains(LayerTags.WeightStatistic("norm", "слой🙂.weight"), tags);
        Assert.DoesNotContain(tags, t => t.Any(char.IsControl));
        Assert.DoesNotContain(tags, t => t.Length > Summaries.SummaryTag.MaxLength);
        Assert.Contains(tags, t => t.StartsWith(LayerTags.WeightStatistic("norm", "www"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Step_and_dispose_after_dispose_are_harmless_and_write_nothing_more()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("fc", Linear(4, 2)));
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet);
        TrainOnce(model, watch, randn(3, 4));
        watch.Dispose();
        long bytes = new FileInfo(watch.Writer!.FilePath).Length;

        TrainOnce(model, watch, randn(3, 4));
        watch.Dispose();
        await watch.DisposeAsync();

        Assert.Equal(bytes, new FileInfo(watch.Writer.FilePath).Length);
        Assert.Equal(0, watch.FailedSamples);
        Assert.Equal(2, watch.CurrentStep);
    }

    [Fact]
    public void Tensors_that_cannot_be_read_on_the_host_cost_their_samples_are_counted_and_training_goes_on()
    {
        // The meta device stands in for any device whose memory the host cannot read; no GPU is needed to test it.
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        using var model = Sequential(("fc", Linear(4, 2))).to(new Device("meta"));
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet with { Logger = logger }))
        {
            for (int i = 0; i < 3; i++)
            {
                TrainOnce(model, watch, randn(3, 4, device: new Device("meta")));
            }

            Assert.Equal(3, watch.FailedSamples); // one per sample step, however many of its parts failed
        }

        Assert.Single(logger.Messages, m => m.Contains("sample step failed", StringComparison.Ordinal) && m.Contains("meta", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(EventFileState.Intact, EventFileReader.ReadAll(Directory.GetFiles(dir.Path).Single(EventFileName.IsEventFile)).State);
    }

    // Attaches with every = 1 (so the step is sampled), trains one step, closes the run and reads it back. No sample
    // may fail.
    private static IReadOnlyList<(long Step, Protos.Summary.Types.Value Value)> WatchOneStep(Module<Tensor, Tensor> model, Tensor input)
    {
        using var dir = new TempDirectory();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, s_quiet))
        {
            TrainOnce(model, watch, input);
            Assert.Equal(0, watch.FailedSamples);
        }

        return RunReader.Values(dir.Path);
    }

    private static void TrainOnce(Module<Tensor, Tensor> model, TrainWatcher watch, Tensor input)
    {
        using var scope = NewDisposeScope();
        foreach (var p in model.parameters())
        {
            p.grad = null;
        }

        var loss = model.call(input).to(ScalarType.Float32).square().mean();
        loss.backward();
        watch.Step(loss);
    }

    private sealed class IntegerOutputs : Module<Tensor, Tensor>
    {
        private readonly Linear fc = Linear(4, 8);
        private readonly Argmax argmax = new();
        private readonly Positive positive = new();
        private readonly Embedding embedding = Embedding(8, 3);

        public IntegerOutputs() : base(nameof(IntegerOutputs)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            var hidden = fc.call(input);
            var mask = positive.call(hidden.sum(1)).to(hidden.dtype).unsqueeze(1);
            return embedding.call(argmax.call(hidden)) * mask + hidden.narrow(1, 0, 3);
        }
    }

    // Leaf modules whose outputs are int64 and bool, as class pickers and masks are.
    private sealed class Argmax() : Module<Tensor, Tensor>(nameof(Argmax))
    {
        public override Tensor forward(Tensor input) => input.argmax(1);
    }

    private sealed class Positive() : Module<Tensor, Tensor>(nameof(Positive))
    {
        public override Tensor forward(Tensor input) => input.gt(0);
    }

    private sealed class WithEmptyParameter : Module<Tensor, Tensor>
    {
        private readonly Linear fc = Linear(4, 2);
        private readonly Parameter empty = new(zeros(0));

        public WithEmptyParameter() : base(nameof(WithEmptyParameter)) => RegisterComponents();

        public override Tensor forward(Tensor input) => fc.call(input) + empty.sum();
    }

    private sealed class NonContiguous : Module<Tensor, Tensor>
    {
        private readonly Parameter transposed = new(randn(8, 4).t());
        private readonly Permute permute = new();

        public NonContiguous() : base(nameof(NonContiguous)) => RegisterComponents();

        public Tensor Transposed => transposed;

        public override Tensor forward(Tensor input) => permute.call(input.matmul(transposed).unsqueeze(2)).squeeze(0);
    }

    // A leaf module whose output is a non-contiguous view, as many reshaping layers' outputs are.
    private sealed class Permute : Module<Tensor, Tensor>
    {
        public Permute() : base(nameof(Permute)) { }

        public override Tensor forward(Tensor input) => input.permute(2, 0, 1);
    }
}
