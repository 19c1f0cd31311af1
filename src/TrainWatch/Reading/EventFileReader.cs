using Google.Protobuf;
using TrainWatch.Protos;
using TrainWatch.Records;

namespace TrainWatch.Events;

/// <summary>How far an <see cref="EventFileReader"/> got.</summary>
public enum EventFileState
{
    /// <summary>Every byte read so far belongs to a valid record.</summary>
    Intact,

    /// <summary>The file ends inside a record: still being written, or cut short by a crash. Not an error.</summary>
    TruncatedTail,

    /// <summary>A record is damaged (CRC mismatch or not an Event); reading stopped there.</summary>
    Corrupt,
}

/// <summary>One event and where its record starts in the file.</summary>
/// <param name="Offset">Byte offset of the record's header.</param>
/// <param name="Event">The decoded event.</param>
public readonly record struct EventRecord(long Offset, Event Event);

/// <summary>
/// Reads an event file lazily, validating both CRCs of every record. Stops at the first damaged record and reports it
/// with its byte offset; treats a short final record as a file still being written. Calling
/// <see cref="ReadEvents"/> again continues from where the last call stopped, so a growing file can be followed.
/// </summary>
public sealed class EventFileReader : IDisposable
{
    private readonly Stream _stream;
    private readonly TfRecordReader _records;

    /// <summary>Opens <paramref name="path"/> for reading while another process may still be writing it.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public EventFileReader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024);
        _records = new TfRecordReader(_stream);
    }

    /// <summary>Reads event records from <paramref name="stream"/> (seekable streams can be followed as they grow).</summary>
    /// <param name="stream">The bytes of an event file; disposed with the reader.</param>
    /// <param name="name">What to call the source in messages.</param>
    public EventFileReader(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Path = name;
        _stream = stream;
        _records = new TfRecordReader(_stream);
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>Where reading stands after the last <see cref="ReadEvents"/>.</summary>
    public EventFileState State { get; private set; } = EventFileState.Intact;

    /// <summary>The byte offset of the damaged or incomplete record, when <see cref="State"/> is not intact.</summary>
    public long? ProblemOffset { get; private set; }

    /// <summary>What is wrong at <see cref="ProblemOffset"/>.</summary>
    public string? Problem { get; private set; }

    /// <summary>Offset of the next unread record: everything before it has been read and is valid.</summary>
    /// <remarks>
    /// Why the problem offset first: a record whose CRCs match but which is not an Event has already been consumed by the
    /// record reader, yet it is the damage, not valid data (found by fuzzing).
    /// </remarks>
    public long ValidLength => ProblemOffset ?? _records.Offset;

    /// <summary>Reads the whole file at once.</summary>
    public static EventFileContents ReadAll(string path)
    {
        using var reader = new EventFileReader(path);
        var events = reader.ReadEvents().ToList();
        return new EventFileContents(path, events, reader.State, reader.ProblemOffset, reader.Problem);
    }

    /// <summary>
    /// Yields the events from the current position up to the end of the file, a truncated tail, or a damaged record.
    /// After corruption, further calls yield nothing.
    /// </summary>
    public IEnumerable<EventRecord> ReadEvents()
    {
        while (State != EventFileState.Corrupt)
        {
            long offset = _records.Offset;
            var outcome = _records.ReadNext(out var payload);
            switch (outcome)
            {
                case RecordReadOutcome.Record:
                    if (!TryParse(payload.Span, out var evt, out string? error))
                    {
                        SetProblem(EventFileState.Corrupt, offset, $"record is not a TensorBoard Event ({error})");
                        yield break;
                    }

                    State = EventFileState.Intact;
                    ProblemOffset = null;
                    Problem = null;
                    yield return new EventRecord(offset, evt);
                    break;
                case RecordReadOutcome.EndOfData:
                    State = EventFileState.Intact;
                    yield break;
                case RecordReadOutcome.TruncatedTail:
                    SetProblem(EventFileState.TruncatedTail, offset, _records.Problem);
                    yield break;
                default:
                    SetProblem(EventFileState.Corrupt, offset, _records.Problem);
                    yield break;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private void SetProblem(EventFileState state, long offset, string? problem)
    {
        State = state;
        ProblemOffset = offset;
        Problem = problem;
    }

    private static bool TryParse(ReadOnlySpan<byte> payload, out Event evt, out string? error)
    {
        try
        {
            evt = Event.Parser.ParseFrom(payload);
            error = null;
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            evt = null!;
            error = e.Message;
            return false;
        }
    }
}

/// <summary>Everything read from one event file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Events">The valid events, in file order.</param>
/// <param name="State">Whether the file ended cleanly, with a torn tail, or at a damaged record.</param>
/// <param name="ProblemOffset">Byte offset of the incomplete or damaged record.</param>
/// <param name="Problem">What is wrong there.</param>
public sealed record EventFileContents(string Path, IReadOnlyList<EventRecord> Events, EventFileState State, long? ProblemOffset, string? Problem);
