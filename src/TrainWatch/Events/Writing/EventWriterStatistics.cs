namespace TrainWatch.Events;

/// <summary>A snapshot of what an <see cref="EventFileWriter"/> has done; every number counts events, not bytes, unless named so.</summary>
/// <param name="EventsWritten">Events written to the file.</param>
/// <param name="EventsDropped">Events refused because the queue was full (<see cref="BackpressurePolicy.Drop"/>) or the writer was closed.</param>
/// <param name="EventsLost">Events that were accepted but could not be written (the disk kept failing).</param>
/// <param name="WriteErrors">Writes that failed.</param>
/// <param name="BytesWritten">Bytes in the current event file.</param>
/// <param name="FirstError">The first write error, if any.</param>
/// <param name="StepsOutOfOrder">Summary values written at a step not after their tag's previous step (a repeat or a step
/// backwards, as after resuming a run into the same directory); they are written as given.</param>
/// <param name="WriterThreadAllocatedBytes">Managed memory the writer's background loop has allocated since it started.
/// With <see cref="EventWriterOptions.BuildOnCallerThread"/> it stops growing once the writer runs steadily: a loop that
/// allocates can start a garbage collection while the caller's thread is inside native code (docs/reliability.md).</param>
public readonly record struct EventWriterStatistics(
    long EventsWritten,
    long EventsDropped,
    long EventsLost,
    long WriteErrors,
    long BytesWritten,
    Exception? FirstError,
    long StepsOutOfOrder,
    long WriterThreadAllocatedBytes = 0);
