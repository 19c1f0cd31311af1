using System.Globalization;
using TrainWatch.Testing.Soak;

namespace TrainWatch.Benchmarks.Soak;

/// <summary>
/// <c>soak [steps] [every]</c>: the long soak (default 100,000 steps at every = 10), printed as CSV every 5 % of the run.
/// </summary>
public static class SoakRunner
{
    public static int Run(string[] args)
    {
        long steps = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int every = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        string logDirectory = Path.Combine(Path.GetTempPath(), "trainwatch-soak", Guid.NewGuid().ToString("N"));

        Console.WriteLine("step,seconds,managed_heap_mb,live_tensors,rss_mb,events_written,events_dropped");
        SoakRun.Execute(steps, every, Math.Max(steps / 20, 1), logDirectory, p => Console.WriteLine(FormattableString.Invariant(
            $"{p.Step},{p.Seconds:F1},{p.ManagedHeapMb:F1},{p.LiveTensors},{p.ResidentMb:F0},{p.EventsWritten},{p.EventsDropped}")));

        Directory.Delete(logDirectory, recursive: true);
        return 0;
    }
}
