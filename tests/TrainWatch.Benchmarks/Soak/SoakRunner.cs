using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.Benchmarks.Soak;

/// <summary>
/// A long run of a tiny model with the watcher attached (every = 10): prints the managed heap, the live tensor count
/// and the process's resident memory every few thousand steps, so a leak shows as a rising column.
/// </summary>
public static class SoakRunner
{
    public static int Run(string[] args)
    {
        long steps = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int every = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        string logDirectory = Path.Combine(Path.GetTempPath(), "trainwatch-soak", Guid.NewGuid().ToString("N"));
        long report = Math.Max(steps / 20, 1);

        manual_seed(1);
        using var model = nn.Sequential(("fc1", nn.Linear(16, 32)), ("relu", nn.ReLU()), ("fc2", nn.Linear(32, 4)));
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(2);
        var clock = Stopwatch.StartNew();
        Console.WriteLine("step,seconds,managed_heap_mb,live_tensors,rss_mb,events_written,events_dropped");
        using (var watch = TrainWatcher.Attach(model, optimizer, logDirectory, every: every, new WatchOptions { AlertsToConsole = false }))
        {
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
                    optimizer.step();
                }

                if (step % report == 0)
                {
                    var stats = watch.Writer!.Statistics;
                    Console.WriteLine(FormattableString.Invariant(
                        $"{step},{clock.Elapsed.TotalSeconds:F1},{GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1},{DisposeScopeManager.Statistics.ThreadTotalLiveCount},{Process.GetCurrentProcess().WorkingSet64 / 1048576.0:F0},{stats.EventsWritten},{stats.EventsDropped}"));
                }
            }
        }

        Directory.Delete(logDirectory, recursive: true);
        return 0;
    }
}
