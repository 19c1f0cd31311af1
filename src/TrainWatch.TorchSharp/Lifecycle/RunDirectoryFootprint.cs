namespace TrainWatch.TorchSharp.Lifecycle;

/// <summary>
/// What a run directory looked like before <c>Attach</c> touched it, so that a failed attach can leave it as it found
/// it: the files and folders the attempt created are removed, everything that was there before is kept.
/// </summary>
internal sealed class RunDirectoryFootprint
{
    private readonly string _runDirectory;
    private readonly HashSet<string> _filesBefore;
    private readonly HashSet<string> _directoriesBefore;
    private readonly List<string> _missingDirectories;

    private RunDirectoryFootprint(string runDirectory, HashSet<string> filesBefore, HashSet<string> directoriesBefore, List<string> missingDirectories)
    {
        _directoriesBefore = directoriesBefore;
        _runDirectory = runDirectory;
        _filesBefore = filesBefore;
        _missingDirectories = missingDirectories;
    }

    /// <summary>Notes the files under <paramref name="runDirectory"/> and which of its folders do not exist yet.</summary>
    public static RunDirectoryFootprint Take(string runDirectory)
    {
        string full = Path.GetFullPath(runDirectory);
        var missing = new List<string>();
        for (string? dir = full; dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
        {
            missing.Add(dir); // deepest first: the order they must be removed in
        }

        var files = Directory.Exists(full)
            ? Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        var directories = Directory.Exists(full)
            ? Directory.EnumerateDirectories(full, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        return new RunDirectoryFootprint(full, files, directories, missing);
    }

    /// <summary>Removes what was created since <see cref="Take"/>; never throws (it runs while another error unwinds).</summary>
    public void Restore()
    {
        try
        {
            if (Directory.Exists(_runDirectory))
            {
                foreach (string file in Directory.EnumerateFiles(_runDirectory, "*", SearchOption.AllDirectories).Where(f => !_filesBefore.Contains(f)).ToList())
                {
                    File.Delete(file);
                }

                // Sub-folders the attempt made (projector/<step>/, series folders), deepest first, if now empty.
                foreach (string dir in Directory.EnumerateDirectories(_runDirectory, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
                {
                    if (!_directoriesBefore.Contains(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                    {
                        Directory.Delete(dir);
                    }
                }
            }

            foreach (string dir in _missingDirectories)
            {
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the caller is already reporting the error that made the attach fail.
        }
    }
}
