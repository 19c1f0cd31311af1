using System.Diagnostics;
using TorchSharp;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.Testing.Soak;

/// <summary>One reading taken during a soak run.</summary>
public sealed record SoakPoint(long Step, double Seconds, double ManagedHeapMb, long LiveTensors, double ResidentMb, long EventsWritten, long EventsDropped);

/// <summary>
/// A long run of a tiny model with the watcher attached, reading the managed heap (after the writer drained and a full
/// collection), the live tensor count and resident memory at fixed intervals, so a leak shows as a rising column.
/// Shared by the soak script (long) and the CI test (short), so both measure the same loop.
/// </summary>
public static class SoakRun
{
    private const double LearningRate = 0.01;

    // The SGD update written out with a kept Scalar: TorchSharp 0.107's SGD.step passes `alpha: -lr` as a temporary
    // Scalar, which a garbage collection can free mid-call (see DeviceScalars in the library). It crashed one 100,000-step
    // soak at optimizer.step(); a soak must measure TrainWatch, not that race.
    private static readonly Scalar s_negativeLearningRate = -LearningRate;

    public static IReadOnlyList<SoakPoint> Execute(long steps, int every, long reportEvery, string logDirectory, Action<SoakPoint>? onPoint = null)
    {
        manual_seed(1);
        using var model = nn.Sequential(("fc1", nn.Linear(16, 32)), ("relu", nn.ReLU()), ("fc2", nn.Linear(32, 4)));
        using var optimizer = optim.SGD(model.parameters(), LearningRate); // for zero_grad and the logged learning rate
        var generator = new Generator(2);
        var clock = Stopwatch.StartNew();
        var points = new List<SoakPoint>();
        // Block, not Drop: a leak test must not depend on whether the writer kept up on a loaded machine.
        var writer = new TrainWatch.Events.EventWriterOptions { Backpressure = TrainWatch.Events.BackpressurePolicy.Block };
        using var watch = TrainWatcher.Attach(model, optimizer, logDirectory, every: every, new WatchOptions { AlertsToConsole = false, Writer = writer });
        for (long step = 1; step <= steps; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var x = randn([8, 16], generator: generator);
                var y = randint(0, 4, [8], generator: generator);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), y);
                loss.backward();
                watch.Step(loss);
                using (no_grad())
                {
                    foreach (var parameter in model.parameters())
                    {
                        parameter.add_(parameter.grad!, s_negativeLearningRate);
                    }
                }
            }

            if (step % reportEvery == 0)
            {
                // Drained first: events still queued for the writer thread are a bounded backlog, not a leak, and a
                // training thread that outpaces the writer for a while would otherwise read as a rising heap.
                watch.Writer!.Flush();
                var stats = watch.Writer.Statistics;
                var point = new SoakPoint(
                    step,
                    clock.Elapsed.TotalSeconds,
                    GC.GetTotalMemory(forceFullCollection: true) / 1048576.0,
                    DisposeScopeManager.Statistics.ThreadTotalLiveCount,
                    Process.GetCurrentProcess().WorkingSet64 / 1048576.0,
                    stats.EventsWritten,
                    stats.EventsDropped);
                points.Add(point);
                onPoint?.Invoke(point);
            }
        }

        return points;
    }
}
