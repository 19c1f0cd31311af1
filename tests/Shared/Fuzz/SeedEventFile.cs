using Google.Protobuf;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Records;

namespace TrainWatch.Testing.Fuzz;

/// <summary>One framed record of a seed file: where it starts, how many bytes it spans, and the event it holds.</summary>
public sealed record SeedRecord(long Offset, int Length, Event Event)
{
    /// <summary>The offset just past the record.</summary>
    public long End => Offset + Length;
}

/// <summary>
/// A valid event file written by the project's own <see cref="SummaryWriter"/>, kept in memory as the starting point
/// for mutations. Wall times are pinned so the bytes are the same in every test run: a counterexample (seed name plus
/// mutation list) then reproduces byte for byte.
/// </summary>
public sealed class SeedEventFile
{
    private SeedEventFile(string name, byte[] bytes, IReadOnlyList<SeedRecord> records)
    {
        Name = name;
        Bytes = bytes;
        Records = records;
    }

    /// <summary>What the seed holds, for counterexamples.</summary>
    public string Name { get; }

    /// <summary>The file's bytes. Do not modify: mutations copy them.</summary>
    public byte[] Bytes { get; }

    /// <summary>The records, in file order.</summary>
    public IReadOnlyList<SeedRecord> Records { get; }

    /// <summary>Logs with <paramref name="log"/> into a fresh run and keeps the resulting event file.</summary>
    public static SeedEventFile Write(string name, Action<SummaryWriter> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var directory = new TempDirectory();
        string path;
        // Block, not Drop: a seed must hold everything it was asked to, on any machine.
        using (var writer = new SummaryWriter(directory.Path, new EventWriterOptions { Backpressure = BackpressurePolicy.Block }))
        {
            path = writer.FilePath;
            log(writer);
        }

        var contents = EventFileReader.ReadAll(path);
        if (contents.State != EventFileState.Intact)
        {
            throw new InvalidOperationException($"seed '{name}' was written damaged: {contents.State} at {contents.ProblemOffset}");
        }

        return PinWallTimes(name, contents.Events.Select(e => e.Event));
    }

    /// <summary>The same seed written to <paramref name="path"/> (for tools that read files).</summary>
    public void WriteTo(string path) => File.WriteAllBytes(path, Bytes);

    public override string ToString() => $"seed '{Name}' ({Bytes.Length} bytes, {Records.Count} records)";

    // The writer stamps the current time on every event; re-framing with fixed times makes the seed deterministic.
    private static SeedEventFile PinWallTimes(string name, IEnumerable<Event> events)
    {
        var bytes = new MemoryStream();
        var records = new List<SeedRecord>();
        int index = 0;
        foreach (var original in events)
        {
            var evt = original.Clone();
            evt.WallTime = 1_700_000_000 + index++;
            byte[] payload = evt.ToByteArray();
            var framed = new byte[TfRecordFormat.FramedLength(payload.Length)];
            TfRecordFormat.Write(framed, payload);
            records.Add(new SeedRecord(bytes.Length, framed.Length, evt));
            bytes.Write(framed);
        }

        return new SeedEventFile(name, bytes.ToArray(), records);
    }
}
