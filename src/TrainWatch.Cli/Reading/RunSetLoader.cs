using System.Runtime.ExceptionServices;
using Spectre.Console;
using TrainWatch.Events;

namespace TrainWatch.Cli.Reading;

/// <summary>
/// Loads several runs, in parallel (one per core), and shows a progress bar on standard error when a person is watching
/// and there is enough to read for it to matter.
/// </summary>
internal static class RunSetLoader
{
    // Below this, reading takes well under a second and a progress bar would only flicker.
    private const long ProgressThresholdBytes = 64L << 20;

    /// <summary>Loads <paramref name="runs"/>; the results are in the same order.</summary>
    /// <param name="runs">The runs.</param>
    /// <param name="options">What to read.</param>
    /// <param name="context">Where the progress bar goes.</param>
    /// <param name="cancellation">Stops reading.</param>
    /// <param name="sinks">Run i's scalars and histograms go to <c>sinks[i]</c> instead of being kept.</param>
    public static IReadOnlyList<RunData> Load(IReadOnlyList<EventRun> runs, ReadOptions options, CliContext context, CancellationToken cancellation, IReadOnlyList<IValueSink>? sinks = null)
    {
        long totalBytes = runs.SelectMany(r => r.Files).Sum(SizeOf);
        if (!context.Interactive || totalBytes < ProgressThresholdBytes)
        {
            return LoadParallel(runs, options, null, sinks, cancellation);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
        IReadOnlyList<RunData> result = [];
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask($"reading {runs.Count} run(s), {totalBytes >> 20} MB", maxValue: totalBytes);
                result = LoadParallel(runs, options, bytes => task.Increment(bytes), sinks, cancellation);
            });
        return result;
    }

    private static IReadOnlyList<RunData> LoadParallel(IReadOnlyList<EventRun> runs, ReadOptions options, Action<long>? bytesRead, IReadOnlyList<IValueSink>? sinks, CancellationToken cancellation)
    {
        var results = new RunData[runs.Count];
        try
        {
            Parallel.For(0, runs.Count, new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => results[i] = RunLoader.Load(runs[i], options, bytesRead, cancellation, sinks?[i]));
        }
        catch (AggregateException e)
        {
            // Why unwrap: the user should read "permission denied on X", not "one or more errors occurred".
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        return results;
    }

    private static long SizeOf(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
