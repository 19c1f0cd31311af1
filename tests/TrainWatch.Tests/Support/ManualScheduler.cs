using System.Collections.Concurrent;

namespace TrainWatch.Tests.Support;

/// <summary>
/// A task scheduler that runs nothing until the test says so. The writer loop runs on it (its
/// <c>EventWriterOptions.Scheduler</c> seam) and is resumed through it after every wait, so when
/// <see cref="RunUntilIdle"/> returns the loop is asleep: whatever it has not done by then it will not do until a
/// caller, the simulated clock or the test gives it a reason. A lost wake-up shows as a missing write, at once.
/// </summary>
public sealed class ManualScheduler : TaskScheduler
{
    private readonly ConcurrentQueue<Task> _queued = new();
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>Tasks queued and not yet run.</summary>
    public int Queued => _queued.Count;

    /// <summary>Runs queued tasks on this thread, and the tasks they queue, until none is left; returns how many ran.</summary>
    public int RunUntilIdle()
    {
        // Without this the loop's awaits would see xunit's synchronization context on the test thread and resume there.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            int ran = 0;
            while (_queued.TryDequeue(out var task))
            {
                _arrived.Wait(0);
                TryExecuteTask(task);
                ran++;
            }

            return ran;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>
    /// Blocks until a task is queued (another thread woke the loop). The timeout only turns a hang into a failure
    /// with a message; no test passes or fails by how fast this returns.
    /// </summary>
    public bool WaitForWork(TimeSpan hangGuard) => !_queued.IsEmpty || _arrived.Wait(hangGuard);

    protected override void QueueTask(Task task)
    {
        _queued.Enqueue(task);
        _arrived.Release();
    }

    // Never inline: only RunUntilIdle runs the loop, so the test decides every interleaving.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => _queued.ToArray();
}
