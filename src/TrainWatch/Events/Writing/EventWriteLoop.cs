using System.Runtime.CompilerServices;
using TrainWatch.Protos;
using TrainWatch.Records;

namespace TrainWatch.Events;

/// <summary>
/// The writer's background loop: takes items from the queue, builds deferred summaries, batches the framed records and
/// writes a batch when it is <see cref="EventWriterOptions.FlushInterval"/> old or 1 MiB large. After a failed write it
/// keeps the batch and tries again on a <see cref="RetryBackoff"/> schedule, never in a busy loop; closing drains, and
/// gives up after <see cref="EventWriterOptions.DrainTimeout"/> if the disk is still failing.
/// </summary>
internal sealed class EventWriteLoop
{
    // A batch is written once it holds this much, even before the flush interval: memory stays bounded by size, not
    // by how fast training produces events.
    internal const int BatchWriteThreshold = 1 << 20;

    // Room beyond the threshold in a preallocated batch: most records fit without writing the batch early.
    private const int PreallocatedSlack = 256 << 10;

    private static readonly TimeSpan s_oneMillisecond = TimeSpan.FromMilliseconds(1);

    private readonly EventWriterOptions _options;
    private readonly EventFileSink _sink;
    private readonly EventQueue _queue;
    private readonly WriterCounters _counters;
    private readonly WriterErrorReporter _reporter;
    private readonly StepOrderMonitor _stepOrder;
    private readonly TimeProvider _time;
    private readonly EventBatch _batch;
    private readonly RetryBackoff _backoff;
    private readonly TaskScheduler _scheduler;
    private List<PendingEvent> _spare = [];
    private long _lastStep;
    private long _droppedWrittenToRun;
    private bool _stopped;
    private long _drainStartedAt;
    private int _draining;

    // The stretch of the loop being counted (CountLoopAllocations): the thread's allocation total at its start, and the thread.
    private long _allocatedAtResume;
    private int _resumedOnThread;

    public EventWriteLoop(EventWriterOptions options, EventFileSink sink, EventQueue queue, WriterCounters counters, WriterErrorReporter reporter, StepOrderMonitor stepOrder)
    {
        _options = options;
        _sink = sink;
        _queue = queue;
        _counters = counters;
        _reporter = reporter;
        _stepOrder = stepOrder;
        _time = options.Time ?? TimeProvider.System;
        // A writer whose loop must not allocate (BuildOnCallerThread) gets a buffer for a whole batch now, on the thread
        // that opens it, and makes room before each record instead of growing (issue 27).
        _batch = options.BuildOnCallerThread ? new EventBatch(_time, BatchWriteThreshold + PreallocatedSlack) : new EventBatch(_time);
        _backoff = new RetryBackoff(_time, options.RetryDelay, options.EffectiveMaxRetryDelay);
        _scheduler = options.Scheduler ?? TaskScheduler.Default;
    }

    /// <summary>Marks the start of the drain, from which <see cref="EventWriterOptions.DrainTimeout"/> counts. Call before closing the queue.</summary>
    public void BeginDrain()
    {
        Volatile.Write(ref _drainStartedAt, _time.GetTimestamp());
        Volatile.Write(ref _draining, 1);
    }

    /// <summary>Runs until the queue is closed, then drains.</summary>
    /// <remarks>
    /// Its awaits resume on the scheduler the loop was started on, deliberately without <c>ConfigureAwait(false)</c>:
    /// that is the pool in production (no synchronization context there, so nothing changes), and in tests a scheduler
    /// the test runs by hand. Resumptions are then queued to it by whoever wakes the loop (a caller, the timer, the
    /// clock), so a test that runs it until nothing is queued knows the loop is asleep, and a wake-up that should have
    /// come and did not is a failed assertion, not a slow test.
    /// </remarks>
    public async Task RunAsync()
    {
        // The flush timer only wakes the loop (through the queue, which keeps a wake that comes between two waits); the
        // loop decides what is due from the clock, so an early, late or stale fire costs one look, never a write.
        using var flushTimer = _time.CreateTimer(static queue => ((EventQueue)queue!).Wake(), _queue, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        // What each stretch between two waits allocates, measured on the thread that ran it: the loop must allocate
        // nothing once it runs steadily (EventWriterStatistics.WriterThreadAllocatedBytes, issue 27).
        ResumeAllocationCount();
        try
        {
            while (true)
            {
                var due = TimeUntilWriteDue();
                if (due != TimeSpan.Zero)
                {
                    // Told before asking whether to sleep, so the queue wakes the loop for exactly what it cannot wait
                    // for: an empty batch for its first event (that starts the flush timer), a waiting batch for records
                    // that may fill it, so a burst of scalars costs no wake-ups until the batch is due.
                    _queue.BatchRoom = BatchRoom();
                    var wait = _queue.WaitToReadAsync();
                    if (!wait.IsCompleted)
                    {
                        flushTimer.Change(due is { } untilDue ? TimerWait(untilDue) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    }

                    CountLoopAllocations();
                    bool more = await wait;
                    ResumeAllocationCount();
                    if (!more)
                    {
                        break;
                    }
                }

                ProcessQueued();
                if (TimeUntilWriteDue() == TimeSpan.Zero)
                {
                    WriteBatch();
                }
            }
        }
        catch (Exception e)
        {
            // A bug in the loop must not stop the process; record it like a write error so strict mode can see it. The
            // queue is closed so that no caller waits on a loop that is gone (a Flush would wait forever).
            _counters.RecordError(e);
            if (Volatile.Read(ref _draining) == 0)
            {
                BeginDrain();
            }

            _queue.Close();
        }
        finally
        {
            await DrainAsync();
        }
    }

    // Starts a stretch of the loop on this thread (after a wait: a continuation may run on another pool thread).
    private void ResumeAllocationCount()
    {
        _allocatedAtResume = GC.GetAllocatedBytesForCurrentThread();
        _resumedOnThread = Environment.CurrentManagedThreadId;
    }

    // Adds what this thread allocated since the stretch started and starts the next; a stretch begun on another
    // thread (the drain resumes after its own delays) has no meaningful difference and only restarts.
    private void CountLoopAllocations()
    {
        if (Environment.CurrentManagedThreadId == _resumedOnThread)
        {
            _counters.AddLoopAllocated(GC.GetAllocatedBytesForCurrentThread() - _allocatedAtResume);
        }

        ResumeAllocationCount();
    }

    // Timers count whole milliseconds and fire at once for less: a shorter wait would let the loop spin until the clock
    // reached the due time (up to a millisecond of CPU on the real clock, for ever on a simulated one, which does not
    // move by itself).
    private static TimeSpan TimerWait(TimeSpan wait) => wait < s_oneMillisecond ? s_oneMillisecond : wait;

    // How many more record bytes the batch takes before its byte bound makes it due (see EventQueue.BatchRoom).
    private long BatchRoom()
    {
        if (_batch.Events == 0 || _stopped)
        {
            return 0;
        }

        // A failing disk is tried on its retry schedule however large the batch (the timer wakes the loop for that).
        return _backoff.Failing ? long.MaxValue : Math.Max(1, BatchWriteThreshold - _batch.Bytes);
    }

    // Everything queued, in order, taken in one go; a batch is written as soon as it is large enough.
    // Hot from the first call, so compiled fully optimised at once: a run's first thousands of events would otherwise
    // go through unoptimised code while the runtime decides to tier it up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessQueued()
    {
        var taken = _queue.TakeAll(_spare);
        int next = 0;
        try
        {
            while (next < taken.Count)
            {
                Process(taken[next++]);
                if (_batch.Bytes >= BatchWriteThreshold)
                {
                    WriteBatch();
                }
            }
        }
        finally
        {
            // Only a bug in the loop gets here with items left: count them, and never leave a Flush caller waiting.
            for (; next < taken.Count; next++)
            {
                _queue.Taken(taken[next]);
                if (taken[next].Flush is { } flush)
                {
                    flush.Complete();
                }
                else
                {
                    _counters.AddLost(1);
                }
            }

            taken.Clear();
            _spare = taken;
        }
    }

    // Null: nothing to write, wait for items only. Otherwise the later of the flush timer and the retry backoff, so a
    // failing disk is tried once per backoff period however many items arrive.
    private TimeSpan? TimeUntilWriteDue()
    {
        if (_batch.Events == 0 || _stopped)
        {
            return null;
        }

        var untilFlush = _options.FlushInterval - _batch.Age;
        var untilRetry = _backoff.UntilNextAttempt;
        var wait = untilFlush > untilRetry ? untilFlush : untilRetry;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    private async Task DrainAsync()
    {
        try
        {
            // Closing is the last chance: one attempt now, whatever the schedule; then the schedule, up to the drain limit.
            _backoff.AllowAttemptNow();
            while (true)
            {
                ProcessQueued();
                WriteBatch();
                if (_batch.Events == 0 || _stopped)
                {
                    break;
                }

                var left = DrainTimeLeft();
                if (left <= TimeSpan.Zero)
                {
                    _counters.AddLost(_batch.Events);
                    _batch.Clear();
                    break;
                }

                var wait = _backoff.UntilNextAttempt;
                await Task.Delay(TimerWait(wait < left ? wait : left), _time);
            }

            if (!_backoff.Failing)
            {
                TryFlushToDisk();
            }
        }
        catch (Exception e)
        {
            _counters.RecordError(e);
        }
        finally
        {
            _sink.Dispose();
        }
    }

    private TimeSpan DrainTimeLeft() => Volatile.Read(ref _draining) == 0
        ? TimeSpan.MaxValue
        : _options.DrainTimeout - _time.GetElapsedTime(Volatile.Read(ref _drainStartedAt));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Process(PendingEvent item)
    {
        _queue.Taken(item);
        if (item.Flush is { } flush)
        {
            WriteBatch();
            if (flush.ToDisk && !_backoff.Failing)
            {
                TryFlushToDisk();
            }

            // Completed even when the disk is failing: a caller's Flush never waits on the backoff. Counted first, so the
            // statistics a caller reads after its Flush include what the stretch up to it allocated.
            CountLoopAllocations();
            flush.Complete();
            return;
        }

        // Stopped, or closing on a disk that failed for the whole drain limit: not even built (a builder may write files).
        if (_stopped || (_backoff.Failing && DrainTimeLeft() <= TimeSpan.Zero))
        {
            _counters.AddLost(1);
            return;
        }

        try
        {
            if (item.ScalarTag is { } tag)
            {
                // The most frequent item: encoded straight into the batch, no messages built.
                MakeRoom(item.MaxRecordBytes);
                _batch.AppendScalar(item.Step, item.WallTime, tag, item.ScalarValue, item.EnqueuedAt);
                _lastStep = Math.Max(_lastStep, item.Step);
                if (!_options.BuildOnCallerThread)
                {
                    _stepOrder.Observe(tag, item.Step); // else the caller did (EventFileWriter.Enqueue)
                }
                return;
            }

            if (item.Encoded is { } encoded)
            {
                // Encoded by the caller (SummaryEncoder), its tags' order already checked there: framed as it is.
                MakeRoom(item.MaxRecordBytes);
                _batch.AppendEncodedSummary(item.Step, item.WallTime, encoded.AsSpan(0, item.EncodedLength), item.EnqueuedAt);
                item.ReleaseEncoded();
                _lastStep = Math.Max(_lastStep, item.Step);
                return;
            }

            var evt = item.ToEvent();
            if (evt is null)
            {
                return;
            }

            MakeRoom(item.Ready is not null ? item.MaxRecordBytes : evt.CalculateSize() + TfRecordFormat.Overhead);
            _batch.Append(evt, item.EnqueuedAt);
            _lastStep = Math.Max(_lastStep, evt.Step);
            if (!_options.BuildOnCallerThread)
            {
                _stepOrder.Observe(evt);
            }
        }
        catch (IOException e)
        {
            // A builder that writes files of its own (the projector) met the disk's error, or skipped its write while
            // backing off (SkippedWriteException, not an attempt, so not counted as an error).
            _counters.AddLost(1);
            if (e is not SkippedWriteException)
            {
                _reporter.WriteFailed(e, _counters.RecordError(e), _options.OnWriteError == WriteErrorPolicy.KeepTrying, null);
            }
        }
        catch (Exception e)
        {
            // A builder that throws, or an event that cannot be serialized (bad input found late), costs its own event,
            // nothing else: the writer thread must outlive any one bad event.
            _counters.RecordError(e);
            _counters.AddLost(1);
            _reporter.EventFailed(e);
        }
    }

    // With a preallocated batch (BuildOnCallerThread), a record that would not fit writes the batch first, so the
    // buffer never grows on this thread. Only a record larger than the whole buffer (over 1.25 MiB), or a batch held
    // back by a failing disk, still grows it.
    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MakeRoom(long recordBytes)
    {
        if (_options.BuildOnCallerThread && _batch.Events > 0 && recordBytes > _batch.FreeCapacity)
        {
            WriteBatch();
        }
    }

    private void WriteBatch()
    {
        AppendDroppedCount();
        if (_batch.Events == 0 || _stopped)
        {
            return;
        }

        if (!_backoff.AttemptDue)
        {
            LoseBeyondRetainedBytes();
            return;
        }

        try
        {
            _sink.Append(_batch.Records);
            _counters.AddWritten(_batch.Events);
            _batch.Clear();
            _backoff.Succeeded();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ObjectDisposedException)
        {
            _backoff.Failed();
            long errors = _counters.RecordError(e);
            bool keepTrying = _options.OnWriteError == WriteErrorPolicy.KeepTrying;
            _reporter.WriteFailed(e, errors, keepTrying, _options.EffectiveMaxRetryDelay);
            if (!keepTrying)
            {
                _stopped = true;
                _counters.AddLost(_batch.Events);
                _batch.Clear();
            }
            else
            {
                LoseBeyondRetainedBytes();
            }
        }
    }

    private void LoseBeyondRetainedBytes()
    {
        if (_batch.Bytes > _options.MaxRetainedBytes)
        {
            _counters.AddLost(_batch.Events);
            _batch.Clear();
        }
    }

    // Why: a user who chose Drop must be able to see in TensorBoard that data is missing, and when.
    private void AppendDroppedCount()
    {
        long dropped = _counters.Dropped;
        if (dropped == _droppedWrittenToRun || _stopped)
        {
            return;
        }

        _droppedWrittenToRun = dropped;
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = EventFileWriter.DroppedEventsTag, SimpleValue = dropped });
        _batch.Append(new Event { Step = _lastStep, WallTime = WallClock.Now(), Summary = summary });
    }

    private void TryFlushToDisk()
    {
        try
        {
            _sink.FlushToDisk();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _backoff.Failed();
            _reporter.WriteFailed(e, _counters.RecordError(e), _options.OnWriteError == WriteErrorPolicy.KeepTrying, _options.EffectiveMaxRetryDelay);
        }
    }
}
