using TrainWatch.Events;

namespace TrainWatch.Cli.Reading;

/// <summary>
/// Follows a log directory while training writes to it: each <see cref="Poll"/> finds new runs and files and reads
/// what was appended since the last poll. One <see cref="EventFileReader"/> stays open per file; the reader stops
/// before an incomplete record and continues from there on the next call, so a record is never read half-written.
/// </summary>
internal sealed class RunFollower(string logDirectory, ReadOptions options) : IDisposable
{
    private readonly Dictionary<string, RunAccumulator> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventFileReader> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _eventsPerFile = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedCorrupt = new(StringComparer.Ordinal);

    /// <summary>The runs seen so far, by name.</summary>
    public IEnumerable<RunData> Runs => _runs.Values.Select(r => r.Data).OrderBy(r => r.Name, StringComparer.Ordinal);

    /// <summary>
    /// Reads everything new. Returns the files found damaged during this poll (each reported once); reading a damaged
    /// file stops at the damage, as TensorBoard's reader does.
    /// </summary>
    public IReadOnlyList<FileReport> Poll(CancellationToken cancellation)
    {
        var newlyCorrupt = new List<FileReport>();
        foreach (var run in RunDirectory.Find(logDirectory))
        {
            if (!_runs.TryGetValue(run.Name, out var accumulator))
            {
                string name = run.Name == "." ? RunLocator.DisplayName(logDirectory) : run.Name;
                accumulator = new RunAccumulator(new RunData(name, run.Directory), options);
                _runs[run.Name] = accumulator;
            }

            // Name order: a restarted writer's new file continues where the old one stopped.
            foreach (string file in run.Files)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!_readers.TryGetValue(file, out var reader))
                {
                    reader = new EventFileReader(file);
                    _readers[file] = reader;
                }

                long events = _eventsPerFile.GetValueOrDefault(file);
                foreach (var record in reader.ReadEvents())
                {
                    accumulator.Add(record.Event);
                    events++;
                }

                _eventsPerFile[file] = events;

                if (reader.State == EventFileState.Corrupt && _reportedCorrupt.Add(file))
                {
                    newlyCorrupt.Add(new FileReport(file, reader.ValidLength, events, reader.State, reader.ProblemOffset, reader.Problem));
                }
            }
        }

        return newlyCorrupt;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var reader in _readers.Values)
        {
            reader.Dispose();
        }

        _readers.Clear();
    }
}
