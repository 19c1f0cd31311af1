using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using TrainWatch.Protos;

namespace TrainWatch.Events;

/// <summary>
/// Writes events to one run directory from any number of threads. Callers only enqueue; a background loop builds
/// deferred summaries, frames and batches records, and writes them at most <see cref="EventWriterOptions.FlushInterval"/>
/// after they arrive, so TensorBoard sees the run live.
/// </summary>
/// <remarks>
/// Errors never reach the calling thread unless <see cref="EventWriterOptions.ThrowOnError"/> is set: they are reported
/// once and counted (see <see cref="Statistics"/>). Dispose drains the queue, writes, and fsyncs; so does process exit
/// for a writer nobody disposed.
/// </remarks>
public sealed class EventFileWriter : IDisposable, IAsyncDisposable
{
    /// <summary>The tag under which the number of dropped events is written into the run.</summary>
    public const string DroppedEventsTag = "trainwatch/dropped_events";

    private const int BatchInitialCapacity = 64 * 1024;

    // A batch is written once it holds this much, even before the flush interval: memory stays bounded by size, not
    // by how fast training produces events.
    private const int BatchWriteThreshold = 1 << 20;

    // A buffer grown past this by one huge event is not kept for the rest of the run.
    private const int BatchKeepCapacity = 4 << 20;

    private static readonly TimeSpan ProcessExitTimeout = TimeSpan.FromSeconds(5);

    private readonly EventWriterOptions _options;
    private readonly EventFileSink _sink;
    private readonly WriterErrorReporter _reporter;
    private readonly Channel<PendingEvent> _queue;
    private readonly Task _loop;
    private readonly object _roomLock = new();
    private readonly StepOrderMonitor _stepOrder;
    private ArrayBufferWriter<byte> _batch = new(BatchInitialCapacity);

    private long _queuedItems;
    private long _queuedBytes;
    private int _blockedProducers;
    private int _batchEvents;
    private long _batchStartedAt;
    private long _lastStep;
    private long _droppedWrittenToRun;
    private bool _stopped;

    private long _written;
    private long _dropped;
    private long _lost;
    private long _errors;
    private Exception? _firstError;
    private int _disposed;

    /// <summary>
    /// Creates the run directory and a new event file in it. Fails fast: a directory that cannot be created or written
    /// throws here, before training starts.
    /// </summary>
    /// <exception cref="IOException">The directory or the event file cannot be created or written.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission is denied.</exception>
    public EventFileWriter(string runDirectory, EventWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        _options = options ?? EventWriterOptions.Default;
        if (_options.QueueCapacity < 1 || _options.MaxQueuedBytes < 1 || _options.FlushInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("QueueCapacity and MaxQueuedBytes must be positive and FlushInterval not negative.", nameof(options));
        }

        RunDirectory = Path.GetFullPath(runDirectory);
        _reporter = new WriterErrorReporter(_options.Logger, RunDirectory);
        _stepOrder = new StepOrderMonitor(_reporter);
        _sink = new EventFileSink(RunDirectory, _options);
        try
        {
            _sink.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            _sink.Dispose();
            throw new IOException($"TrainWatch cannot write to the log directory '{RunDirectory}': {e.Message}", e);
        }

        _queue = Channel.CreateUnbounded<PendingEvent>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
        _loop = Task.Run(RunAsync);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The run directory (absolute).</summary>
    public string RunDirectory { get; }

    /// <summary>The event file currently written.</summary>
    public string FilePath => _sink.FilePath;

    /// <summary>What the writer has done so far.</summary>
    public EventWriterStatistics Statistics => new(
        Interlocked.Read(ref _written),
        Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _lost),
        Interlocked.Read(ref _errors),
        _sink.Length,
        Volatile.Read(ref _firstError),
        _stepOrder.OutOfOrder);

    /// <summary>Queues a ready-made event.</summary>
    public void Write(Event evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        Enqueue(PendingEvent.ForEvent(evt));
    }

    /// <summary>Queues a summary at <paramref name="step"/>, stamped with the current wall time.</summary>
    public void Write(long step, Summary summary) =>
        Write(new Event { Step = step, WallTime = WallClock.Now(), Summary = summary ?? throw new ArgumentNullException(nameof(summary)) });

    /// <summary>
    /// Queues a summary that the writer thread builds later, so the expensive part (bucketing, PNG encoding,
    /// serialization) stays off the training thread. <paramref name="build"/> may return null to write nothing; it must
    /// not touch state the caller changes afterwards.
    /// </summary>
    /// <param name="step">The training step.</param>
    /// <param name="build">Builds the summary on the writer thread.</param>
    /// <param name="estimatedBytes">Memory the closure holds, for the queue's byte bound.</param>
    /// <param name="wallTime">Wall time in unix seconds; now when null.</param>
    public void WriteDeferred(long step, Func<Summary?> build, long estimatedBytes, double? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        Enqueue(PendingEvent.ForSummary(step, wallTime ?? WallClock.Now(), build, Math.Max(0, estimatedBytes)));
    }

    /// <summary>Waits until everything queued so far is in the file and on the disk.</summary>
    public void Flush()
    {
        var request = RequestFlush();
        request?.Completion.GetAwaiter().GetResult();
        ThrowIfFaulted();
    }

    /// <summary>Waits until everything queued so far is in the file and on the disk.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var request = RequestFlush();
        if (request is not null)
        {
            await request.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        ThrowIfFaulted();
    }

    /// <summary>Drains the queue, writes and fsyncs the file, and closes it. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (!BeginClose())
        {
            return;
        }

        _loop.GetAwaiter().GetResult();
        EndClose();
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (!BeginClose())
        {
            return;
        }

        await _loop.ConfigureAwait(false);
        EndClose();
    }

    private bool BeginClose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _queue.Writer.TryComplete();
        WakeBlockedProducers();
        return true;
    }

    private void EndClose()
    {
        _reporter.Closed(Statistics);
        ThrowIfFaulted();
    }

    // Why: a user who forgets Dispose still gets every queued event on disk when the process exits normally.
    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (BeginClose())
        {
            _loop.Wait(ProcessExitTimeout);
        }
    }

    private FlushRequest? RequestFlush()
    {
        ThrowIfFaulted();
        var request = new FlushRequest(toDisk: true);
        return _queue.Writer.TryWrite(PendingEvent.ForFlush(request)) ? request : null;
    }

    private void Enqueue(PendingEvent item)
    {
        ThrowIfFaulted();
        if (Volatile.Read(ref _disposed) != 0)
        {
            Drop("the writer is already disposed");
            return;
        }

        if (!HasRoom(item.EstimatedBytes))
        {
            if (_options.Backpressure == BackpressurePolicy.Drop || !WaitForRoom(item.EstimatedBytes))
            {
                Drop("the queue is full (the disk is slower than training produces data)");
                return;
            }
        }

        Interlocked.Increment(ref _queuedItems);
        Interlocked.Add(ref _queuedBytes, item.EstimatedBytes);
        if (!_queue.Writer.TryWrite(item))
        {
            Dequeued(item);
            Drop("the writer is closed");
        }
    }

    private bool HasRoom(long bytes) =>
        Interlocked.Read(ref _queuedItems) < _options.QueueCapacity &&
        (Interlocked.Read(ref _queuedBytes) + bytes <= _options.MaxQueuedBytes || Interlocked.Read(ref _queuedItems) == 0);

    private bool WaitForRoom(long bytes)
    {
        Interlocked.Increment(ref _blockedProducers);
        try
        {
            lock (_roomLock)
            {
                while (!HasRoom(bytes))
                {
                    if (Volatile.Read(ref _disposed) != 0 || _loop.IsCompleted)
                    {
                        return false;
                    }

                    // The timeout only guards against a missed pulse; the loop pulses as soon as it takes items.
                    Monitor.Wait(_roomLock, 50);
                }

                return true;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _blockedProducers);
        }
    }

    private void Dequeued(PendingEvent item)
    {
        Interlocked.Decrement(ref _queuedItems);
        Interlocked.Add(ref _queuedBytes, -item.EstimatedBytes);
        if (Volatile.Read(ref _blockedProducers) > 0)
        {
            WakeBlockedProducers();
        }
    }

    private void WakeBlockedProducers()
    {
        lock (_roomLock)
        {
            Monitor.PulseAll(_roomLock);
        }
    }

    private void Drop(string reason)
    {
        Interlocked.Increment(ref _dropped);
        _reporter.EventDropped(reason);
        if (_options.ThrowOnError)
        {
            throw new EventWriterException($"TrainWatch dropped an event: {reason}.", null);
        }
    }

    private void ThrowIfFaulted()
    {
        if (_options.ThrowOnError && Volatile.Read(ref _firstError) is { } error)
        {
            throw new EventWriterException($"TrainWatch could not write to '{RunDirectory}': {error.Message}", error);
        }
    }

    // ---------------- the writer thread ----------------

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        Task<bool>? waitForItems = null;
        try
        {
            while (true)
            {
                TimeSpan? untilFlush = _batchEvents > 0 ? TimeUntilFlushDue() : null;
                if (untilFlush is null || untilFlush > TimeSpan.Zero)
                {
                    waitForItems ??= reader.WaitToReadAsync().AsTask();
                    if (untilFlush is { } timeout)
                    {
                        await Task.WhenAny(waitForItems, Task.Delay(timeout)).ConfigureAwait(false);
                    }
                    else
                    {
                        await waitForItems.ConfigureAwait(false);
                    }

                    if (waitForItems.IsCompleted)
                    {
                        bool more = await waitForItems.ConfigureAwait(false);
                        waitForItems = null;
                        if (!more)
                        {
                            break;
                        }
                    }
                }

                while (reader.TryRead(out var item))
                {
                    Process(item);
                    if (_batch.WrittenCount >= BatchWriteThreshold)
                    {
                        WriteBatch();
                    }
                }

                if (_batchEvents > 0 && TimeUntilFlushDue() <= TimeSpan.Zero)
                {
                    WriteBatch();
                }
            }
        }
        catch (Exception e)
        {
            // A bug in the loop must not stop the process; record it like a write error so strict mode can see it.
            RecordError(e);
        }
        finally
        {
            while (reader.TryRead(out var item))
            {
                Process(item);
            }

            WriteBatch();
            TryFlushToDisk();
            _sink.Dispose();
        }
    }

    private TimeSpan TimeUntilFlushDue() => _options.FlushInterval - Stopwatch.GetElapsedTime(_batchStartedAt);

    private void Process(PendingEvent item)
    {
        Dequeued(item);
        if (item.Flush is { } flush)
        {
            WriteBatch();
            if (flush.ToDisk)
            {
                TryFlushToDisk();
            }

            flush.Complete();
            return;
        }

        if (_stopped)
        {
            Interlocked.Increment(ref _lost);
            return;
        }

        // AppendFramed advances the batch only after the whole record is written, so a failure leaves no partial record.
        try
        {
            var evt = item.ToEvent();
            if (evt is null)
            {
                return;
            }

            if (_batchEvents == 0)
            {
                _batchStartedAt = Stopwatch.GetTimestamp();
            }

            EventSerializer.AppendFramed(_batch, evt);
            _batchEvents++;
            _lastStep = Math.Max(_lastStep, evt.Step);
            _stepOrder.Observe(evt);
        }
        catch (Exception e)
        {
            // A builder that throws, or an event that cannot be serialized (bad input found late), costs its own event,
            // nothing else: the writer thread must outlive any one bad event.
            RecordError(e);
            Interlocked.Increment(ref _lost);
            _reporter.EventFailed(e);
        }
    }

    private void WriteBatch()
    {
        AppendDroppedCount();
        if (_batchEvents == 0 || _stopped)
        {
            return;
        }

        try
        {
            _sink.Append(_batch.WrittenSpan);
            Interlocked.Add(ref _written, _batchEvents);
            ClearBatch();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ObjectDisposedException)
        {
            long errors = RecordError(e);
            bool keepTrying = _options.OnWriteError == WriteErrorPolicy.KeepTrying;
            _reporter.WriteFailed(e, errors, keepTrying);
            if (!keepTrying)
            {
                _stopped = true;
                Interlocked.Add(ref _lost, _batchEvents);
                ClearBatch();
            }
            else if (_batch.WrittenCount > _options.MaxRetainedBytes)
            {
                Interlocked.Add(ref _lost, _batchEvents);
                ClearBatch();
            }
        }
    }

    // Why: a user who chose Drop must be able to see in TensorBoard that data is missing, and when.
    private void AppendDroppedCount()
    {
        long dropped = Interlocked.Read(ref _dropped);
        if (dropped == _droppedWrittenToRun || _stopped)
        {
            return;
        }

        _droppedWrittenToRun = dropped;
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = DroppedEventsTag, SimpleValue = dropped });
        if (_batchEvents == 0)
        {
            _batchStartedAt = Stopwatch.GetTimestamp();
        }

        EventSerializer.AppendFramed(_batch, new Event { Step = _lastStep, WallTime = WallClock.Now(), Summary = summary });
        _batchEvents++;
    }

    private void ClearBatch()
    {
        _batchEvents = 0;

        // Why: one huge histogram should not pin its buffer for the rest of the run.
        if (_batch.Capacity > BatchKeepCapacity)
        {
            _batch = new ArrayBufferWriter<byte>(BatchInitialCapacity);
        }
        else
        {
            _batch.ResetWrittenCount();
        }
    }

    private void TryFlushToDisk()
    {
        try
        {
            _sink.FlushToDisk();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _reporter.WriteFailed(e, RecordError(e), _options.OnWriteError == WriteErrorPolicy.KeepTrying);
        }
    }

    private long RecordError(Exception e)
    {
        Interlocked.CompareExchange(ref _firstError, e, null);
        return Interlocked.Increment(ref _errors);
    }
}
