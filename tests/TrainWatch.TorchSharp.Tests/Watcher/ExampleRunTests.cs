using TorchSharp;
using TrainWatch.Examples.ShapesCnn;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>The alert rules on the main example itself: quiet when it trains well, loud when the learning rate is too high.</summary>
/// <remarks>
/// Runs alone, as the example runs in its own process: its loop calls TorchSharp's <c>optimizer.step()</c>, whose
/// temporary Scalars other tests' garbage collections could free mid-call (see <see cref="RunsAlone"/>).
/// </remarks>
[Collection(RunsAlone.Name)]
public sealed class ExampleRunTests
{
    private static (IReadOnlyList<Alert> Alerts, int FailedSamples) Train(double lr, int steps, int every, string logDirectory)
    {
        random.manual_seed(42);
        using var data = new ShapesDataset(42, CPU);
        using var model = new ShapesCnnModel(ShapesDataset.ClassCount);
        using var optimizer = optim.SGD(model.parameters(), lr, momentum: 0.9);
        using var watch = TrainWatcher.Attach(model, optimizer, logDirectory, every: every, new WatchOptions { AlertsToConsole = false });
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var (x, y) = data.NextBatch(64);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            watch.Step(loss);
            optimizer.step();
        }

        return (watch.Alerts.ToList(), watch.FailedSamples);
    }

    [Fact]
    public void The_healthy_example_run_raises_no_alert()
    {
        using var dir = new TempDirectory();

        // The example's defaults: 1,500 steps, lr 0.02, every 10. Late in training the loss is ~1e-4 and gradient
        // norms are heavy-tailed: the rules must stay quiet through that.
        var (alerts, failedSamples) = Train(0.02, 1500, 10, dir.Path);

        // Quiet because every sample was taken and judged, not because sampling failed.
        Assert.Equal(0, failedSamples);
        Assert.Equal(150, RunReader.Values(dir.Path).Count(v => v.Value.Tag == RunTags.Loss));
        Assert.True(alerts.Count == 0, string.Join("\n", alerts));
    }

    [Fact]
    public void A_too_high_learning_rate_is_caught_within_one_sampling_interval()
    {
        using var dir = new TempDirectory();

        // lr 5 explodes within the first few steps (loss ~1e24 by step 5, NaN by ~step 20).
        var (alerts, _) = Train(5, 30, 10, dir.Path);

        var first = alerts.FirstOrDefault(a => a.Kind is AlertKind.ExplodingGradient or AlertKind.NonFinite);
        Assert.True(first is not null, string.Join("\n", alerts));
        Assert.True(first!.Step <= 10, first.ToString());
    }
}
