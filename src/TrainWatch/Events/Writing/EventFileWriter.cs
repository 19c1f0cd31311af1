using System.Runtime.CompilerServices;
using TrainWatch.Protos;
using TrainWatch.RunFormat;

namespace TrainWatch.Events;

/// <summary>
/// Writes events to one run directory from any number of threads. Callers only enqueue; a background loop builds
/// deferred summaries, frames and batches records, and writes them at most <see cref="EventWriterOptions.FlushInterval"/>
/// after they arrive, so TensorBoard sees the run live.
/// </summary>
/// <remarks>
/// Errors never reach the calling thread unless <see cref="EventWriterOptions.ThrowOnError"/> is set: they are reported
/// once and counted (see <see cref="Statistics"/>). A failing disk is retried with growing pauses, never in a busy
/// loop. Dispose drains the queue, writes, and fsyncs; so does process exit for a writer nobody disposed. On a disk
/// that keeps failing, both give up after <see cref="EventWriterOptions.DrainTimeout"/> and report what was not written.
/// This class only wires the parts together: <see cref="EventQueue"/> (bounded queue), <see cref="EventWriteLoop"/>
/// (batching, flush timer, retry backoff, drain), <see cref="EventFileSink"/> (the file), <see cref="WriterErrorReporter"/>.
/// </remarks>
public sealed class EventFileWriter : IDisposable, IAsyncDisposable
{
    /// <summary>The tag under which the number of dropped events is written into the run.</summary>
    public const string DroppedEventsTag = RunTags.DroppedEvents;

    // Process exit waits for a healthy disk this long at least (DrainTimeout may be shorter): the run's last events.
    private static readonly TimeSpan s_processExitTimeout = TimeSpan.FromSeconds(5);

    private readonly EventWriterOptions _options;
    private readonly EventFileSink _sink;
    private readonly WriterErrorReporter _reporter;
    private readonly StepOrderMonitor _stepOrder;
    private readonly WriterCounters _counters = new();
    private readonly EventQueue _queue;
    private readonly EventWriteLoop _writeLoop;
    private readonly Task _loop;
    private readonly TimeProvider _time;
    private readonly EncodedSummaryBuffers _encodedBuffers = new();
    private readonly object _encoderLock = new();
    private Summaries.SummaryEncoder? _encoder;
    private DeferredBuildBatch? _batch; // the open batch of one thread (BeginBuildBatch), or null
    private int _disposed;
    private int _reported;

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
        if (_options.QueueCapacity < 1 || _options.MaxQueuedBytes < 1 || _options.FlushInterval < TimeSpan.Zero ||
            _options.RetryDelay < TimeSpan.Zero || _options.DrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("QueueCapacity and MaxQueuedBytes must be positive; FlushInterval, RetryDelay and DrainTimeout not negative.", nameof(options));
        }

        RunDirectory = Path.GetFullPath(runDirectory);
        _time = _options.Time ?? TimeProvider.System;
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

        _queue = new EventQueue(_options.QueueCapacity, _options.MaxQueuedBytes);
        _writeLoop = new EventWriteLoop(_options, _sink, _queue, _counters, _reporter, _stepOrder);
        _loop = Task.Factory.StartNew(_writeLoop.RunAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _options.Scheduler ?? TaskScheduler.Default).Unwrap();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The run directory (absolute).</summary>
    public string RunDirectory { get; }

    /// <summary>The event file currently written.</summary>
    public string FilePath => _sink.FilePath;

    /// <summary>What the writer has done so far.</summary>
    public EventWriterStatistics Statistics => new(
        _counters.Written,
        _counters.Dropped,
        _counters.Lost,
        _counters.Errors,
        _sink.Length,
        _counters.FirstError,
        _stepOrder.OutOfOrder,
        _counters.LoopAllocated);

    /// <summary>Queues a ready-made event.</summary>
    public void Write(Event evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        Enqueue(PendingEvent.ForEvent(evt));
    }

    /// <summary>
    /// Queues one scalar; the writer thread encodes its record directly (no messages are built). The cheapest way
    /// in, for the most frequent event.
    /// </summary>
    /// <param name="tag">An already validated tag (<see cref="Summaries.SummaryTag.Validate"/>).</param>
    /// <param name="value">The value, as TensorBoard stores it.</param>
    /// <param name="step">The training step.</param>
    /// <param name="wallTime">Unix seconds.</param>
    /// <remarks>
    /// Every method a scalar passes through, on the caller's thread and on the writer's, is compiled fully optimised
    /// from its first call: the entry points with <c>AggressiveOptimization</c>, the small methods they call with
    /// <c>AggressiveInlining</c>. Under tiered compilation a method starts unoptimised and is recompiled only after 30
    /// calls and a pause of ~100 ms in new compilations, which a process that keeps compiling new code (TorchSharp)
    /// postpones: a run's first seconds of scalars would go through unoptimised code (figures: docs/benchmarks.md).
    /// The inlining hints matter because code compiled this way has no call profile: without them it calls helpers that
    /// tier 1 would inline, and a helper that is called, not inlined, runs at whatever tier it has reached.
    /// </remarks>
    internal void WriteScalar(string tag, float value, long step, double wallTime) =>
        Enqueue(PendingEvent.ForScalar(step, wallTime, tag, value));

    /// <summary>
    /// Queues the summary <paramref name="encode"/> writes into the writer's <see cref="Summaries.SummaryEncoder"/>, at
    /// <paramref name="step"/>: encoded on the calling thread, value by value, with no message built; the writer thread
    /// frames the bytes as they are. The cheapest way in for many values at one step.
    /// </summary>
    /// <param name="step">The training step.</param>
    /// <param name="encode">Adds the values (to an emptied encoder, which is the writer's: it must not be kept, nor
    /// this writer written to from inside). Nothing is queued when it adds none; when it throws, this event is lost,
    /// counted and reported, as a deferred summary's builder that throws.</param>
    /// <param name="wallTime">Wall time in unix seconds; now when null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteEncoded(long step, Action<Summaries.SummaryEncoder> encode, double? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(encode);

        // One encoder, kept for the writer's life (it grows to the largest summary and stays there): callers on
        // several threads take turns with it.
        lock (_encoderLock)
        {
            var values = _encoder ??= new Summaries.SummaryEncoder();
            values.Clear();
            try
            {
                encode(values);
            }
            catch (Exception e)
            {
                LoseEvent(e);
                return;
            }

            if (values.Count == 0)
            {
                return;
            }

            if (Enqueue(PendingEvent.ForEncoded(step, wallTime ?? WallClock.Now(), values.Encoded, _encodedBuffers)))
            {
                // The tags travel no further than here: their order is checked on the caller's thread.
                _stepOrder.Observe(values.Tags, step);
            }
        }
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteDeferred(long step, Func<Summary?> build, long estimatedBytes, double? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (_options.BuildOnCallerThread)
        {
            if (Volatile.Read(ref _batch) is { } batch && batch.OwnerThread == Environment.CurrentManagedThreadId)
            {
                batch.Add(step, wallTime ?? WallClock.Now(), build);
                return;
            }

            var (summary, error) = DeferredBuildBatch.TryBuild(build);
            WriteBuilt(step, wallTime ?? WallClock.Now(), summary, error);
            return;
        }

        Enqueue(PendingEvent.ForSummary(step, wallTime ?? WallClock.Now(), build, Math.Max(0, estimatedBytes)));
    }

    /// <summary>
    /// Collects the deferred summaries (<see cref="WriteDeferred"/>) this thread queues until the returned scope is
    /// disposed; its <c>Dispose</c> builds them side by side on the thread pool, this thread taking part, and writes
    /// them in the order they were queued (a builder that throws loses its own event, as one queued alone). For
    /// independent builders only: they may run at the same time. A writer whose thread builds
    /// (<see cref="EventWriterOptions.BuildOnCallerThread"/> off) already keeps that work off the caller, and another
    /// thread's batch may be open: then the scope does nothing and each summary is built as usual.
    /// </summary>
    public IDisposable BeginBuildBatch()
    {
        if (!_options.BuildOnCallerThread)
        {
            return NoBatch.Instance;
        }

        var batch = new DeferredBuildBatch(this, Environment.CurrentManagedThreadId);
        return Interlocked.CompareExchange(ref _batch, batch, null) is null ? batch : NoBatch.Instance;
    }

    // The batch no longer collects: what its thread queues from now on is built at once.
    internal void EndBuildBatch(DeferredBuildBatch batch) => Interlocked.CompareExchange(ref _batch, null, batch);

    // A summary built on the caller's thread (at once or in a batch): written, or its builder's exception counted.
    internal void WriteBuilt(long step, double wallTime, Summary? summary, Exception? error)
    {
        if (error is not null)
        {
            LoseEvent(error);
        }
        else if (summary is not null)
        {
            Write(new Event { Step = step, WallTime = wallTime, Summary = summary });
        }
    }

    private sealed class NoBatch : IDisposable
    {
        public static readonly NoBatch Instance = new();

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// Waits until everything queued so far is in the file and on the disk. While the disk is failing it returns after
    /// the writer has taken the queued events (they are kept for the next retry), without waiting for the retry.
    /// </summary>
    public void Flush()
    {
        var request = RequestFlush();
        request?.Completion.GetAwaiter().GetResult();
        ThrowIfFaulted();
    }

    /// <summary>
    /// Waits until everything queued so far is written to the file, without the fsync that <see cref="Flush"/> adds:
    /// the records are in the OS's hands, not yet on the disk. For timing the records apart from the per-run costs
    /// (opening the file, the fsync at <see cref="Dispose"/>).
    /// </summary>
    internal void FlushToFile()
    {
        var request = RequestFlush(toDisk: false);
        request?.Completion.GetAwaiter().GetResult();
        ThrowIfFaulted();
    }

    /// <inheritdoc cref="Flush"/>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var request = RequestFlush();
        if (request is not null)
        {
            await request.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        ThrowIfFaulted();
    }

    /// <summary>
    /// Drains the queue, writes and fsyncs the file, and closes it. Safe to call more than once. On a failing disk it
    /// retries for at most <see cref="EventWriterOptions.DrainTimeout"/>, then counts and reports what was not written.
    /// </summary>
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
        _writeLoop.BeginDrain();
        _queue.Close();
        return true;
    }

    private void EndClose()
    {
        ReportClosed();
        ThrowIfFaulted();
    }

    private void ReportClosed()
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _reporter.Closed(Statistics);
        }
    }

    // Why: a user who forgets Dispose still gets every queued event on disk when the process exits normally, and hears
    // once what a failing disk cost; the drain limit keeps a full disk from holding the process.
    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (BeginClose())
        {
            var limit = _options.DrainTimeout > s_processExitTimeout ? _options.DrainTimeout : s_processExitTimeout;
            if (_loop.Wait(limit + TimeSpan.FromSeconds(1)))
            {
                ReportClosed();
            }
        }
    }

    private FlushRequest? RequestFlush(bool toDisk = true)
    {
        ThrowIfFaulted();
        var request = new FlushRequest(toDisk);
        return Volatile.Read(ref _disposed) == 0 && _queue.EnqueueFlush(PendingEvent.ForFlush(request)) ? request : null;
    }

    // Whether the item was queued (else it was dropped, and counted). On every scalar's path: compiled fully optimised
    // from the first call (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Enqueue(PendingEvent item)
    {
        ThrowIfFaulted();
        if (Volatile.Read(ref _disposed) != 0)
        {
            Drop("the writer is already disposed");
            return false;
        }

        item.EnqueuedAt = _time.GetTimestamp();
        if (!_queue.TryEnqueue(item, _options.Backpressure == BackpressurePolicy.Block))
        {
            Drop(Volatile.Read(ref _disposed) != 0 ? "the writer is closed" : "the queue is full (the disk is slower than training produces data)");
            return false;
        }

        // The step-order check keeps a table of every tag; when the loop must not allocate, the caller keeps it (a new
        // tag can grow the table).
        if (_options.BuildOnCallerThread)
        {
            if (item.ScalarTag is { } tag)
            {
                _stepOrder.Observe(tag, item.Step);
            }
            else if (item.Ready is { } evt)
            {
                _stepOrder.Observe(evt);
            }
        }

        return true;
    }

    // As on the writer thread: a builder or encoder that throws on the caller's thread costs its own event, counted and
    // reported, never the caller's work.
    private void LoseEvent(Exception e)
    {
        _counters.RecordError(e);
        _counters.AddLost(1);
        _reporter.EventFailed(e);
    }

    private void Drop(string reason)
    {
        _counters.AddDropped();
        _reporter.EventDropped(reason);
        if (_options.ThrowOnError)
        {
            throw new EventWriterException($"TrainWatch dropped an event: {reason}.", null);
        }
    }

    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfFaulted()
    {
        if (_options.ThrowOnError && _counters.FirstError is { } error)
        {
            throw new EventWriterException($"TrainWatch could not write to '{RunDirectory}': {error.Message}", error);
        }
    }
}
