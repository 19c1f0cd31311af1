using TorchSharp;
using TrainWatch.Examples.ShapesCnn;
using TrainWatch.TorchSharp;
using TrainWatch.TorchSharp.Inspection;
using static TorchSharp.torch;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>
/// What the model check at attach (issue 28) costs on the example CNN: attach with and without it, the check alone,
/// and beside them one sampled <c>Step</c> (statistics of every weight, gradient and activation), its budget.
/// </summary>
/// <remarks>dotnet run -c Release --project tests/TrainWatch.Benchmarks -- modelcheck [ROUNDS]</remarks>
public static class ModelCheckCost
{
    private const int Batch = 64;

    private static readonly List<TimeSpan> s_stepTimes = [];

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 21;
        string loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        string root = Path.Combine(Path.GetTempPath(), $"trainwatch-modelcheck-cost-{Environment.ProcessId}");
        manual_seed(1);
        using var data = new ShapesDataset(7, CPU);
        using var model = new ShapesCnnModel(ShapesDataset.ClassCount);
        using var optimizer = optim.SGD(model.parameters(), 0.02, momentum: 0.9);
        int run = 0;
        void Attach(bool check)
        {
            using var watch = TrainWatcher.Attach(model, optimizer, Path.Combine(root, $"run{run++}"), every: 1, new WatchOptions { AlertsToConsole = false, ModelCheck = check });
        }

        // One watcher for the sampled steps: every step is sampled, and only Step itself is timed.
        using var watch = TrainWatcher.Attach(model, optimizer, Path.Combine(root, "steps"), every: 1, new WatchOptions { AlertsToConsole = false });
        void SampledStep()
        {
            using var scope = NewDisposeScope();
            var (x, y) = data.NextBatch(Batch);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            watch.Step(loss);
            s_stepTimes.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            optimizer.step();
        }

        var timings = Measure.Interleaved(rounds, warmup: true, () => Attach(false), () => Attach(true), () => ModelCheck.Run(model), SampledStep);
        var step = Timing.Of(s_stepTimes.Skip(1).ToList());
        var table = new ReportTable("measured (ShapesCnn, CPU)", "median", "min – max");
        void Row(string name, Timing t) => table.Add(name, Ms(t.Median), $"{Ms(t.Min)} – {Ms(t.Max)}");
        Row("Attach + Dispose, ModelCheck = false", timings[0]);
        Row("Attach + Dispose, ModelCheck = true", timings[1]);
        Row("ModelCheck.Run alone", timings[2]);
        Row("one sampled Step (the budget)", step);
        Console.WriteLine($"{rounds} interleaved rounds; load average before: {loadBefore}, after: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine(table.ToMarkdown());
        Directory.Delete(root, recursive: true);
        return 0;
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F2} ms";
}
