namespace TrainWatch.TorchSharp.Recording;

/// <summary>
/// Counts exceptions caught inside TrainWatch's forward hooks. A hook runs inside the user's forward pass and must never
/// fail it, so it catches everything; this keeps that from hiding a bug: the watcher warns at the first failure and
/// writes the running count as <c>trainwatch/hook_failures</c> at each sample step where it grew.
/// </summary>
internal sealed class HookFailures
{
    private int _count;
    private Exception? _first;

    /// <summary>Failures so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The first failure, for the one warning.</summary>
    public Exception? First => Volatile.Read(ref _first);

    public void Record(Exception e)
    {
        Interlocked.CompareExchange(ref _first, e, null);
        Interlocked.Increment(ref _count);
    }
}
