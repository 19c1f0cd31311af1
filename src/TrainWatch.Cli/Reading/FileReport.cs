using TrainWatch.Events;

namespace TrainWatch.Cli.Reading;

/// <summary>How reading one event file went.</summary>
/// <param name="Path">The file.</param>
/// <param name="Length">Its size in bytes when read.</param>
/// <param name="Events">Valid events read.</param>
/// <param name="State">Intact, truncated tail, or corrupt.</param>
/// <param name="ProblemOffset">Byte offset of the incomplete or damaged record.</param>
/// <param name="Problem">What is wrong there.</param>
internal sealed record FileReport(string Path, long Length, long Events, EventFileState State, long? ProblemOffset, string? Problem)
{
    /// <summary>True when not a single valid record was found: an empty file, or not an event file at all.</summary>
    public bool HasNoEvents => Events == 0;

    /// <summary>True for damage (a CRC mismatch or a record that is not an Event).</summary>
    public bool IsCorrupt => State == EventFileState.Corrupt;

    /// <summary>A one-line description of what is wrong, or null when the file is fine.</summary>
    public string? Describe()
    {
        if (IsCorrupt)
        {
            return HasNoEvents
                ? $"'{Path}' is not a TensorBoard event file, or is corrupt from its first record (byte {ProblemOffset}: {Problem})"
                : $"'{Path}' is corrupt at byte {ProblemOffset}: {Problem}; the {Events} events before it were read";
        }

        if (HasNoEvents)
        {
            return Length == 0
                ? $"'{Path}' is empty (0 bytes): no event was written to it"
                : $"'{Path}' holds no complete record ({Length} bytes): not an event file, or cut short before its first event";
        }

        if (State == EventFileState.TruncatedTail)
        {
            return $"'{Path}' ends in an incomplete record at byte {ProblemOffset} ({Problem}); normal while a writer is still writing it — the {Events} complete events were read";
        }

        return null;
    }

    /// <summary>True when this counts as a problem (exit code 1): corruption or a file without a single event.</summary>
    public bool IsProblem => IsCorrupt || HasNoEvents;
}
