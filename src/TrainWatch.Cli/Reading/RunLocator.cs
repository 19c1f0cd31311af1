using TrainWatch.Events;

namespace TrainWatch.Cli.Reading;

/// <summary>Turns the paths users type into runs, with a clear message when there is nothing to read.</summary>
internal static class RunLocator
{
    /// <summary>
    /// All runs under <paramref name="path"/>: every directory (itself included, at any depth) holding event files. A
    /// path to a single event file is a run of that one file.
    /// </summary>
    /// <exception cref="CliException">The path does not exist or holds no event file.</exception>
    public static IReadOnlyList<EventRun> FindRuns(string path)
    {
        if (File.Exists(path))
        {
            return [SingleFileRun(path)];
        }

        if (!Directory.Exists(path))
        {
            throw new CliException($"'{path}' does not exist.");
        }

        var runs = RunDirectory.Find(path);
        if (runs.Count == 0)
        {
            throw new CliException($"no event files under '{path}' (TensorBoard event files have '{EventFileName.Marker}' in their name).");
        }

        // The log directory itself as a run reads better under its own name than as ".".
        return runs.Select(run => run.Name == "." ? run with { Name = DisplayName(path) } : run).ToList();
    }

    /// <summary>
    /// Exactly one run for <paramref name="path"/>: the event files directly in that directory, or, if it has none,
    /// its only run below it, or the single event file it names.
    /// </summary>
    /// <exception cref="CliException">The path does not exist, holds no run, or holds several.</exception>
    public static EventRun FindSingleRun(string path)
    {
        if (File.Exists(path))
        {
            return SingleFileRun(path);
        }

        if (!Directory.Exists(path))
        {
            throw new CliException($"'{path}' does not exist.");
        }

        var own = RunDirectory.Single(path, DisplayName(path));
        if (own.Files.Count > 0)
        {
            return own;
        }

        var nested = FindRuns(path);
        if (nested.Count > 1)
        {
            string names = string.Join(", ", nested.Take(5).Select(r => r.Name)) + (nested.Count > 5 ? ", ..." : string.Empty);
            throw new CliException($"'{path}' holds {nested.Count} runs ({names}); name one of them.");
        }

        return nested[0] with { Name = Path.Combine(DisplayName(path), nested[0].Name).Replace('\\', '/') };
    }

    private static EventRun SingleFileRun(string path)
    {
        if (!EventFileName.IsEventFile(path))
        {
            throw new CliException($"'{path}' is not an event file (TensorBoard event files have '{EventFileName.Marker}' in their name).");
        }

        string full = Path.GetFullPath(path);
        return new EventRun(Path.GetFileName(full), Path.GetDirectoryName(full)!, [full]);
    }

    /// <summary>The name a directory is shown under: its last path segment.</summary>
    public static string DisplayName(string path) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
}
