using TorchSharp;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Pictures;

/// <summary>
/// Probes the model cannot take. The probe is refused at <see cref="TrainWatcher.SetProbe"/> when that is cheap to
/// know, otherwise dropped at its first picture step with one warning; the watcher then goes back to the first
/// training batch, and statistics and the other pictures carry on.
/// </summary>
public sealed class ProbeMisuseTests
{
    [Theory]
    [InlineData("wrong-shape")]
    [InlineData("integer")]
    public void A_probe_the_model_cannot_run_is_dropped_with_one_warning_and_pictures_carry_on(string kind)
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var generator = new Generator(4);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, PictureRun.Options(every: 1, new PictureOptions { EverySteps = 1 }, logger)))
        {
            using var probe = kind == "wrong-shape" ? randn(4, 5) : randint(0, 255, [4, 3, 16, 16]);
            watch.SetProbe(probe);
            for (int i = 0; i < 3; i++)
            {
                model.TrainStep(optimizer, watch, generator);
            }

            Assert.Equal(0, watch.FailedSamples);
        }

        Assert.Single(logger.Messages, m => m.Contains("probe", StringComparison.Ordinal) && m.Contains("cannot", StringComparison.Ordinal));
        var values = RunReader.Values(dir.Path);
        Assert.Contains(values, v => v.Step == 0 && v.Value.Tag == RunTags.Loss);
        Assert.Contains(values, v => v.Step == 2 && v.Value.Tag.StartsWith("kernels/", StringComparison.Ordinal));
        Assert.Contains(values, v => v.Step == 2 && v.Value.Tag.StartsWith("activation_maps/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_probe_whose_memory_the_host_cannot_read_is_refused_at_once()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        using var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, PictureRun.Options(every: 1));
        using var probe = randn([4, 3, 16, 16], device: new Device("meta"));

        var error = Assert.Throws<ArgumentException>(() => watch.SetProbe(probe));
        Assert.Contains("meta", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The projector's probe under the same misuse: it must never reach the training forward pass.</summary>
public sealed class ProjectorProbeMisuseTests
{
    [Fact]
    public void A_model_fed_token_ids_trains_with_the_default_options()
    {
        // The projector's capture hook sees a 1-D input it cannot use as feature rows; the forward pass must not notice.
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        using var model = nn.Sequential(("embed", nn.Embedding(10, 4)), ("fc", nn.Linear(4, 2)));
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false, Logger = logger }))
        {
            for (int i = 0; i < 3; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = model.call(randint(0, 10, [6])).square().mean();
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }

            Assert.Equal(0, watch.FailedSamples);
        }

        Assert.Contains(logger.Messages, m => m.Contains("projector has no probe batch", StringComparison.Ordinal));
        Assert.Contains(RunReader.Values(dir.Path), v => v.Step == 2 && v.Value.Tag == RunTags.Loss);
    }

    [Fact]
    public void A_projector_probe_the_model_cannot_run_turns_the_projector_off_with_one_warning()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var generator = new Generator(4);
        var options = new WatchOptions { AlertsToConsole = false, Logger = logger, Projector = new ProjectorOptions { EverySteps = 1 } };
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, options with { Every = 1 }))
        {
            using var probe = randn(4, 5);
            watch.SetProjectorProbe(probe);
            for (int i = 0; i < 3; i++)
            {
                model.TrainStep(optimizer, watch, generator);
            }

            Assert.Equal(0, watch.FailedSamples);
        }

        Assert.Single(logger.Messages, m => m.Contains("cannot run the projector's probe", StringComparison.Ordinal));
    }
}
