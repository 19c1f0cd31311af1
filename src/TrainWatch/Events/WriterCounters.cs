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
