namespace TrainWatch.Events;

/// <summary>
/// Finds runs the way TensorBoard does: every directory under a log directory that holds at least one file whose name
/// contains <see cref="EventFileName.Marker"/> is a run, at any depth (<c>runs/exp1/train</c>, <c>runs/exp1/val</c>).
/// </summary>
public static class RunDirectory
{
    private static readonly EnumerationOptions s_recursive = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        // TensorBoard walks hidden directories too (".runs/exp1" is a run); skipping them would hide runs it shows.
        AttributesToSkip = 0,
    };

    /// <summary>The runs under <paramref name="logDirectory"/> (itself included), ordered by name.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IReadOnlyList<EventRun> Find(string logDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDirectory);
        string root = Path.GetFullPath(logDirectory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"'{logDirectory}' is not a directory.");
        }

        return Directory.EnumerateFiles(root, "*", s_recursive)
            .Where(EventFileName.IsEventFile)
            .GroupBy(file => Path.GetDirectoryName(file)!, StringComparer.Ordinal)
            .Select(group => ToRun(root, group.Key, group))
            .OrderBy(run => run.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The run made of the event files directly in <paramref name="directory"/> (not its subdirectories).</summary>
    public static EventRun Single(string directory, string name)
    {
        string full = Path.GetFullPath(directory);
        return ToRun(full, full, Directory.EnumerateFiles(full).Where(EventFileName.IsEventFile), name);
    }

    private static EventRun ToRun(string root, string directory, IEnumerable<string> files, string? name = null)
    {
        string relative = Path.GetRelativePath(root, directory).Replace(Path.DirectorySeparatorChar, '/');

        // Why ordinal name order: writers put a start timestamp right after "tfevents.", so restarts sort after the original.
        var ordered = files.OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();
        return new EventRun(name ?? relative, directory, ordered);
    }
}
