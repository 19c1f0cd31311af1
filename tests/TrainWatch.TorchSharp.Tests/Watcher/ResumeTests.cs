using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Reporting;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>Training resumed from a checkpoint into the same run directory.</summary>
public sealed class ResumeTests
{
    [Fact]
    public void A_resumed_run_continues_its_steps_on_the_same_sampling_grid()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("fc", Linear(4, 2)));
        var logger = new ListLogger();
        Train(model, dir.Path, steps: 25, new WatchOptions { AlertsToConsole = false });

        // Resumed at step 25 with every = 10: the next samples are 30 and 40, as in an uninterrupted run.
        var resumed = Train(model, dir.Path, steps: 20, new WatchOptions { AlertsToConsole = false, Logger = logger, InitialStep = 25 });

        Assert.Equal(45, resumed.CurrentStep);
        Assert.Equal(0, resumed.Writer!.Statistics.StepsOutOfOrder);
        Assert.DoesNotContain(logger.Messages, m => !m.StartsWith("TrainWatch: writing", StringComparison.Ordinal)); // only the start-up line
        var lossSteps = RunReader.Values(dir.Path).Where(v => v.Value.Tag == RunTags.Loss).Select(v => v.Step);
        Assert.Equal([0L, 10, 20, 30, 40], lossSteps);
    }

    [Fact]
    public void Starting_again_at_step_zero_in_a_directory_with_event_files_is_warned_about()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("fc", Linear(4, 2)));
        var logger = new ListLogger();
        Train(model, dir.Path, steps: 3, new WatchOptions { AlertsToConsole = false });

        Train(model, dir.Path, steps: 3, new WatchOptions { AlertsToConsole = false, Logger = logger });

        Assert.Single(logger.Messages, m => m.Contains("already holds event files", StringComparison.Ordinal) && m.Contains("InitialStep", StringComparison.Ordinal));
    }

    [Fact]
    public void A_negative_initial_step_is_refused_at_attach()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("fc", Linear(4, 2)));
        using var optimizer = optim.SGD(model.parameters(), 0.01);

        Assert.Throws<ArgumentOutOfRangeException>(() => TrainWatcher.Attach(model, [optimizer], dir.Path, new WatchOptions { InitialStep = -1 }));
    }

    private static TrainWatcher Train(Module<Tensor, Tensor> model, string runDirectory, int steps, WatchOptions options)
    {
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var watch = TrainWatcher.Attach(model, optimizer, runDirectory, every: 10, options);
        using (watch)
        {
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = model.call(randn(3, 4)).square().mean();
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }
        }

        return watch;
    }
}
