using TrainWatch.Events;

namespace TrainWatch.Cli.Reading;

/// <summary>Reads whole runs through the core's <see cref="EventFileReader"/>, one pass over every file.</summary>
internal static class RunLoader
{
    /// <summary>
    /// Reads every event file of <paramref name="run"/> in name order (restarts append to what came before) and keeps
    /// what <paramref name="options"/> asks for. A damaged file is read up to the damage and reported, not thrown.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="options">What to keep.</param>
    /// <param name="bytesRead">Called with the number of bytes just consumed, for a progress display.</param>
    /// <param name="cancellation">Stops between events.</param>
    /// <param name="sink">Takes the scalars and histograms instead of the returned run (see <see cref="IValueSink"/>).</param>
    public static RunData Load(EventRun run, ReadOptions options, Action<long>? bytesRead = null, CancellationToken cancellation = default, IValueSink? sink = null)
    {
        var accumulator = new RunAccumulator(new RunData(run.Name, run.Directory), options, sink);
        foreach (string file in run.Files)
        {
            accumulator.Data.Files.Add(ReadFile(file, accumulator, bytesRead, cancellation));
        }

        return accumulator.Data;
    }

    /// <summary>Reads the events of one file into <paramref name="accumulator"/>.</summary>
    public static FileReport ReadFile(string file, RunAccumulator accumulator, Action<long>? bytesRead, CancellationToken cancellation)
    {
        using var reader = new EventFileReader(file);
        long length = new FileInfo(file).Length;
        long events = 0;
        long reported = 0;
        foreach (var record in reader.ReadEvents())
        {
            cancellation.ThrowIfCancellationRequested();
            accumulator.Add(record.Event);
            events++;
            if (bytesRead is not null && (events & 1023) == 0)
            {
                bytesRead(record.Offset - reported);
                reported = record.Offset;
            }
        }

        bytesRead?.Invoke(length - reported);
        return new FileReport(file, length, events, reader.State, reader.ProblemOffset, reader.Problem);
    }
}
