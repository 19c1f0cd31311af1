using System.Diagnostics;
using System.Globalization;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>
/// Issue 26's own measurement: the small conv autoencoder of the scaling table trained for 600 steps, without
/// TrainWatch and attached with default options at every = 10, with Attach, every step and Dispose on the clock. Each
/// run is a fresh process, so the first use of everything (compiling, SkiaSharp, libtorch's own warm-up) counts as a
/// user meets it; plain and watched runs alternate, so the machine's drift hits both alike. The per-sample tables
/// leave out exactly these one-off costs, which on a run this short were most of the overhead.
/// </summary>
public static class WholeRun
{
    private const int Steps = 600;
    private const int Every = 10;
    private const string ResultPrefix = "wholerun ";

    /// <summary>
    /// The child process: <c>wholerun plain|watch DIR</c> trains once and prints one line of milliseconds: the whole
    /// run, Attach, the first step (sampled), Dispose and the CPU time of the runtime's background recompilation.
    /// </summary>
    public static int RunChild(string[] args)
    {
        bool watched = args[0] == "watch";
        string directory = args[1];
        manual_seed(1);
        var workload = ModelScaling.Autoencoder();
        using var model = workload.Build();
        using var optimizer = workload.Optimizer(model.parameters());
        var (x, y) = workload.Data();
        using var input = x;
        using var target = y;

        long start = Stopwatch.GetTimestamp();
        var watch = watched ? TrainWatcher.Attach(model, optimizer, directory, Every, new WatchOptions { AlertsToConsole = false }) : null;
        double attach = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double firstStep = 0;
        for (int i = 0; i < Steps; i++)
        {
            long stepStart = Stopwatch.GetTimestamp();
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                var loss = workload.Loss(model.call(input), target);
                loss.backward();
                watch?.Step(loss);
                optimizer.step();
            }

            if (i == 0)
            {
                firstStep = Stopwatch.GetElapsedTime(stepStart).TotalMilliseconds;
            }
        }

        long disposeStart = Stopwatch.GetTimestamp();
        watch?.Dispose();
        double dispose = Stopwatch.GetElapsedTime(disposeStart).TotalMilliseconds;
        double total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Console.WriteLine(FormattableString.Invariant($"{ResultPrefix}{total:F1} {attach:F1} {firstStep:F1} {dispose:F1} {RecompilationCpuMilliseconds():F0}"));
        return 0;
    }

    /// <summary>
    /// The CPU time so far of the runtime's tiered-compilation thread, which recompiles hot methods while training
    /// runs (NaN where <c>/proc</c> does not tell): on 2 cores it competes with libtorch's threads, and a watched run's
    /// extra recompilation slowed its steps by about as much (issue 26, 2026-12-07). The thread's CPU time, unlike
    /// the JIT's own clock, does not count the time it waited for a core.
    /// </summary>
    private static double RecompilationCpuMilliseconds()
    {
        try
        {
            foreach (string task in Directory.GetDirectories("/proc/self/task"))
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Tiered Com")
                {
                    // utime and stime, fields 14 and 15 of stat, in clock ticks (100 per second on Linux); the name in
                    // field 2 may hold spaces, so count from its closing parenthesis.
                    string[] fields = File.ReadAllText(Path.Combine(task, "stat")).Split(") ")[1].Split(' ');
                    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
                }
            }

            return 0; // no recompilation thread (yet)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or FormatException)
        {
            return double.NaN;
        }
    }

    /// <summary>Runs <paramref name="pairs"/> plain and watched processes in turn and fills <paramref name="table"/>.</summary>
    public static void Run(ReportTable table, string root, int pairs)
    {
        var plain = new List<double[]>();
        var watched = new List<double[]>();
        for (int pair = 0; pair < pairs; pair++)
        {
            plain.Add(Child("plain", Path.Combine(root, $"wholerun-plain-{pair}")));
            watched.Add(Child("watch", Path.Combine(root, $"wholerun-watch-{pair}")));
        }

        var overhead = watched.Select((w, pair) => (w[0] - plain[pair][0]) / plain[pair][0] * 100);
        table.Add("no watcher (600 steps)", WatcherOverhead.Spread(plain.Select(r => r[0]), "F0", " ms"), "—", "—");
        table.Add("TrainWatch, default options, every = 10 (Attach + 600 steps + Dispose)", WatcherOverhead.Spread(watched.Select(r => r[0]), "F0", " ms"), WatcherOverhead.Spread(overhead, "+0.0;-0.0", " %"), "≤ 3 %");
        table.Add("… of which Attach", WatcherOverhead.Spread(watched.Select(r => r[1]), "F0", " ms"), "", "");
        table.Add("… the first step (sampled: pictures, graph, model summary at step 0), watched / plain", $"{WatcherOverhead.Spread(watched.Select(r => r[2]), "F0", " ms")} / {WatcherOverhead.Spread(plain.Select(r => r[2]), "F0", " ms")}", "", "");
        table.Add("… Dispose (pictures at the end, flush, fsync)", WatcherOverhead.Spread(watched.Select(r => r[3]), "F0", " ms"), "", "");
        table.Add("the runtime's background recompilation of hot methods (CPU time of its thread), watched / plain", $"{WatcherOverhead.Spread(watched.Select(r => r[4]), "F0", " ms")} / {WatcherOverhead.Spread(plain.Select(r => r[4]), "F0", " ms")}", "", "");
    }

    // One child process; its result line as numbers.
    private static double[] Child(string mode, string directory)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(WholeRun).Assembly.Location);
        }

        // glibc's malloc serves blocks above its mmap threshold (128 KB at start) with mmap and gives them back at
        // once, so each such tensor of a step costs fresh pages; freeing one such block raises the threshold for the
        // rest of the process. TrainWatch's first sample frees a few, and a plain run of this model may free none:
        // measured on 2026-12-06, the watched runs' steps were then ~20 % faster than the plain runs' (backward 1.6
        // against 2.5 ms), which reads as a negative overhead. Both children start with the raised thresholds, so
        // that they differ only by TrainWatch. A value set by the caller is kept.
        foreach (var (name, value) in new[] { ("MALLOC_MMAP_THRESHOLD_", "33554432"), ("MALLOC_TRIM_THRESHOLD_", "67108864") })
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                start.Environment[name] = value;
            }
        }

        foreach (string argument in new[] { "wholerun", mode, directory })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The {mode} run exited with {process.ExitCode} and no result:{Environment.NewLine}{output}");
        return line[ResultPrefix.Length..].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }
}
