namespace TrainWatch.Events;

/// <summary>
/// The writer's counts, updated by the writer loop and the producers and read from any thread (hence Interlocked).
/// </summary>
internal sealed class WriterCounters
{
    private long _written;
    private long _dropped;
    private long _lost;
    private long _errors;
    private Exception? _firstError;

    public long Written => Interlocked.Read(ref _written);

    private long _loopAllocated;

    /// <summary>Managed bytes the writer loop has allocated on its own threads (see <see cref="AddLoopAllocated"/>).</summary>
    public long LoopAllocated => Interlocked.Read(ref _loopAllocated);

    /// <summary>Adds what one stretch of the loop allocated, measured on the thread that ran it.</summary>
    public void AddLoopAllocated(long bytes) => Interlocked.Add(ref _loopAllocated, bytes);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Lost => Interlocked.Read(ref _lost);

    public long Errors => Interlocked.Read(ref _errors);

    public Exception? FirstError => Volatile.Read(ref _firstError);

    public void AddWritten(long events) => Interlocked.Add(ref _written, events);

    public void AddDropped() => Interlocked.Increment(ref _dropped);

    public void AddLost(long events) => Interlocked.Add(ref _lost, events);

    /// <summary>Counts a failure and keeps the first; returns the count so far.</summary>
    public long RecordError(Exception e)
    {
        Interlocked.CompareExchange(ref _firstError, e, null);
        return Interlocked.Increment(ref _errors);
    }
}
