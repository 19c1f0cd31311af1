using System.Threading.Tasks.Sources;

namespace TrainWatch.Events;

/// <summary>
/// The writer loop's one reusable wake-up: an awaitable that is reset for each wait instead of a new
/// <see cref="TaskCompletionSource{TResult}"/> per sleep, so that a loop waiting for work allocates nothing. A writer
/// thread that allocates can start a garbage collection while the training thread is inside a native TorchSharp call,
/// and that collection can free the call's temporary <c>Scalar</c>s (docs/reliability.md, issue 27).
/// </summary>
/// <remarks>Not thread-safe by itself: <see cref="EventQueue"/> calls it under its lock, and one loop awaits it at a time.</remarks>
internal sealed class ReaderWake : IValueTaskSource<bool>
{
    // Continuations run on the pool, never inside a caller's Add.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Whether the loop is waiting on <see cref="Wait"/> and nobody has woken it yet.</summary>
    public bool Waiting { get; private set; }

    /// <summary>The awaitable of the current wait; starts a new wait when none is pending.</summary>
    public ValueTask<bool> Wait()
    {
        if (!Waiting)
        {
            _core.Reset();
            Waiting = true;
        }

        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>Ends the pending wait with <paramref name="result"/>; does nothing when the loop is not waiting.</summary>
    public void Wake(bool result)
    {
        if (!Waiting)
        {
            return;
        }

        Waiting = false;
        _core.SetResult(result);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
