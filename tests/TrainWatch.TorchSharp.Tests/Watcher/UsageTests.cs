using TorchSharp;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Distributed;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Watcher;

public sealed class UsageTests
{
    [Fact]
    public void Calling_Step_after_zero_grad_is_detected_once_with_advice()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { Logger = logger, AlertsToConsole = false });
        var generator = new Generator(1);
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = SmallCnn.Batch(4, generator);
            var loss = functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
            optimizer.zero_grad(); // wrong place: gradients are gone when Step reads them
            watch.Step(loss);
        }

        Assert.Single(logger.Messages, m => m.Contains("no parameter had a gradient") && m.Contains("after loss.backward()"));
    }

    private sealed class BypassingModel : Module<Tensor, Tensor>
    {
        private readonly global::TorchSharp.Modules.Linear inner = Linear(4, 4);
        private readonly global::TorchSharp.Modules.Linear outer = Linear(4, 2);

        public BypassingModel() : base(nameof(BypassingModel)) => RegisterComponents();

        // inner.forward skips hooks; outer.call runs them.
        public override Tensor forward(Tensor input) => outer.call(inner.forward(input));
    }

    [Fact]
    public void Modules_called_through_forward_instead_of_call_are_named_in_a_warning()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        using var model = new BypassingModel();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { Logger = logger, AlertsToConsole = false });
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = model.call(randn(2, 4)).sum();
            loss.backward();
            watch.Step(loss);
        }

        var warning = Assert.Single(logger.Messages, m => m.Contains("never fired"));
        Assert.Contains("inner", warning);
        Assert.DoesNotContain("outer", warning);
        Assert.Contains("call(x)", warning);
    }

    [Fact]
    public void Several_optimizers_and_param_groups_each_get_a_learning_rate()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var featuresOpt = optim.SGD(model.Features.parameters(), 0.1);
        using var classifierOpt = optim.Adam(model.Classifier.parameters(), 0.001);
        using (var watch = TrainWatcher.Attach(model, [featuresOpt, classifierOpt], dir.Path, new WatchOptions { Every = 1, AlertsToConsole = false }))
        {
            using var scope = NewDisposeScope();
            var (x, y) = SmallCnn.Batch(4, new Generator(3));
            var loss = functional.cross_entropy(model.call(x), y);
            loss.backward();
            watch.Step(loss);
        }

        var values = RunReader.Values(dir.Path);
        Assert.Equal(0.1f, RunReader.Scalar(values, RunTags.LearningRate("optimizer0"), 0), 6);
        Assert.Equal(0.001f, RunReader.Scalar(values, RunTags.LearningRate("optimizer1"), 0), 6);
    }

    [Fact]
    public void Gradient_accumulation_samples_once_per_optimizer_step()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(5);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 2, new WatchOptions { AlertsToConsole = false }))
        {
            for (int step = 0; step < 4; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                for (int micro = 0; micro < 3; micro++)
                {
                    var (x, y) = SmallCnn.Batch(4, generator);
                    (functional.cross_entropy(model.call(x), y) / 3).backward();
                }

                watch.Step();
                optimizer.step();
            }

            Assert.Equal(2, watch.HostTransfer.Count);
        }

        var values = RunReader.Values(dir.Path);
        Assert.Equal([0L, 2L], values.Where(v => v.Value.Tag == LayerTags.GradientStatistic("norm", "classifier.3.weight")).Select(v => v.Step));
        Assert.Equal(2, values.Count(v => v.Value.Tag == LayerTags.ActivationHistogram("features.2")));
    }

    [Fact]
    public void Only_rank_zero_writes_by_default_and_each_rank_can_write_its_own_run()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);

        using (var rank1 = TrainWatcher.Attach(model, [optimizer], Path.Combine(dir.Path, "a"), new WatchOptions { Rank = new ProcessRank(1, 2) }))
        {
            rank1.Step();
            Assert.False(rank1.IsWriting);
        }

        Assert.False(Directory.Exists(Path.Combine(dir.Path, "a")));

        using (var rank1 = TrainWatcher.Attach(model, [optimizer], Path.Combine(dir.Path, "b"), new WatchOptions { Rank = new ProcessRank(1, 2), Ranks = RankPolicy.EachRankOwnRun }))
        {
            Assert.True(rank1.IsWriting);
            Assert.Equal(Path.Combine(dir.Path, "b", "rank1"), rank1.LogDirectory);
        }

        Assert.Equal(new ProcessRank(3, 4), ProcessRank.FromVariables(n => n == "RANK" ? "3" : n == "WORLD_SIZE" ? "4" : null));
        Assert.Equal(new ProcessRank(0, 1), ProcessRank.FromVariables(n => n == "RANK" ? "x" : null));
    }

    [Fact]
    public void An_unwritable_log_directory_fails_at_attach_time()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "file");
        File.WriteAllText(file, "");
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);

        var error = Assert.Throws<IOException>(() => TrainWatcher.Attach(model, optimizer, Path.Combine(file, "run")));
        Assert.Contains("cannot write to the log directory", error.Message);
    }

    [Fact]
    public void Float64_and_half_parameters_and_frozen_layers_are_measured_without_failures()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("fc1", Linear(4, 8)), ("relu", ReLU()), ("fc2", Linear(8, 2)));
        model.to(ScalarType.Float64);
        var frozen = model.named_parameters().Single(p => p.name == "fc1.bias").parameter;
        frozen.requires_grad = false;
        using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), 0.01);
        using var halfWeights = randn(3, 3).to(ScalarType.Float16);

        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false }))
        {
            using var scope = NewDisposeScope();
            var loss = model.call(randn(5, 4, dtype: ScalarType.Float64)).square().mean();
            loss.backward();
            watch.Step(loss);
            Assert.Equal(0, watch.FailedSamples);

            // A half-precision tensor through the same device statistics as the watcher uses.
            var row = Statistics.DeviceStatistics.FastRow(halfWeights, 8, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None);
            var stats = Sampling.TensorStats.FromFastRow(row.data<double>().ToArray(), Statistics.DeviceStatistics.ShapeOf(halfWeights, TrainWatch.TorchSharp.Statistics.UnitAxis.None, 0))!;
            Assert.Equal(halfWeights.to(ScalarType.Float32).sum().item<float>(), stats.Sum, 2);
            Assert.Equal(9, stats.Counts.ToArray().Sum());
        }

        var values = RunReader.Values(dir.Path);
        Assert.Contains(values, v => v.Value.Tag == LayerTags.WeightStatistic("norm", "fc1.bias"));
        Assert.DoesNotContain(values, v => v.Value.Tag == LayerTags.GradientStatistic("norm", "fc1.bias"));
        Assert.Contains(values, v => v.Value.Tag == LayerTags.GradientStatistic("norm", "fc2.weight"));
    }
}
