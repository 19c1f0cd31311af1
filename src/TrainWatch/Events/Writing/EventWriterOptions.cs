using Microsoft.Extensions.Logging;

namespace TrainWatch.Events;

/// <summary>What the writer does when its queue is full (the disk is slower than training produces data).</summary>
public enum BackpressurePolicy
{
    /// <summary>
    /// Drop the new event and count it (default). Training never waits on the disk; the count is written into the run
    /// as the scalar <c>trainwatch/dropped_events</c> and is visible in <see cref="EventWriterStatistics"/>.
    /// </summary>
    Drop,

    /// <summary>Make the producing thread wait until the queue has room. Nothing is lost, training may slow down.</summary>
    Block,
}

/// <summary>What the writer does after a write to disk fails.</summary>
public enum WriteErrorPolicy
{
    /// <summary>
    /// Keep the unwritten events (up to <see cref="EventWriterOptions.MaxRetainedBytes"/>) and retry, first after
    /// <see cref="EventWriterOptions.RetryDelay"/>, then twice as long each time up to <see cref="EventWriterOptions.MaxRetryDelay"/>.
    /// </summary>
    KeepTrying,

    /// <summary>Stop writing: later events are counted as lost. What was written stays valid.</summary>
    Stop,
}

/// <summary>Configures an <see cref="EventFileWriter"/>.</summary>
public sealed record EventWriterOptions
{
    /// <summary>The defaults.</summary>
    public static EventWriterOptions Default { get; } = new();

    /// <summary>
    /// Longest time an event waits in memory before it is written to the file. Short, so TensorBoard shows a run live
    /// (tensorboardX's 120 s default makes runs look empty for minutes).
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Most events waiting to be written.</summary>
    public int QueueCapacity { get; init; } = 65_536;

    /// <summary>Most bytes (estimated) waiting to be written; large histograms count by their size.</summary>
    public long MaxQueuedBytes { get; init; } = 256L << 20;

    /// <summary>What to do when the queue is full.</summary>
    public BackpressurePolicy Backpressure { get; init; } = BackpressurePolicy.Drop;

    /// <summary>What to do after a failed write.</summary>
    public WriteErrorPolicy OnWriteError { get; init; } = WriteErrorPolicy.KeepTrying;

    /// <summary>Unwritten bytes kept for a retry while writes fail; beyond this they are counted as lost.</summary>
    public long MaxRetainedBytes { get; init; } = 64L << 20;

    /// <summary>Wait before the first retry after a failed write; each further failure doubles it.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest wait between retries of a failing disk; null means four flush intervals (8 s by default), so a disk that
    /// recovers is used again within a few intervals while a full one costs a handful of attempts a minute.
    /// </summary>
    public TimeSpan? MaxRetryDelay { get; init; }

    /// <summary>
    /// Longest time <c>Dispose</c>, <c>DisposeAsync</c> and process exit keep retrying a failing disk (default 5 s).
    /// What is still unwritten then is counted in <see cref="EventWriterStatistics.EventsLost"/> and reported once, and
    /// the call returns. A healthy disk is always drained completely, however long that takes.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Strict mode: rethrow a write error (and report dropped or late events) into the calling thread instead of only
    /// reporting it. Off by default because a monitor must not take training down.
    /// </summary>
    public bool ThrowOnError { get; init; }

    /// <summary>Appended to the event file's name.</summary>
    public string? FileSuffix { get; init; }

    /// <summary>
    /// Builds deferred summaries (<see cref="SummaryWriter.AddDeferred"/>, images) on the thread that logs them instead
    /// of the writer thread, so that the writer thread allocates no managed memory once it runs steadily. Set it when the
    /// process calls native code that is unsafe under a garbage collection started by another thread: TorchSharp 0.107
    /// passes temporary <c>Scalar</c>s to libtorch that a collection on another thread can finalize mid-call
    /// (docs/reliability.md). TrainWatch's watcher sets it.
    /// </summary>
    public bool BuildOnCallerThread { get; init; }

    /// <summary>Where errors are reported. Without one they go to standard error, once.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Test seam: the clock of the flush timer, the retry backoff and the drain limit.</summary>
    internal TimeProvider? Time { get; init; }

    /// <summary>
    /// Test seam: where the writer loop runs and resumes after each wait (the thread pool when null). A test that runs
    /// it by hand, with <see cref="Time"/> simulated, sees every interleaving of callers and loop it chooses to make.
    /// </summary>
    internal TaskScheduler? Scheduler { get; init; }

    internal TimeSpan EffectiveMaxRetryDelay => MaxRetryDelay ?? (FlushInterval * 4 > RetryDelay ? FlushInterval * 4 : RetryDelay);

    /// <summary>Test seam: opens the stream an event file is written to (fault injection).</summary>
    internal Func<string, Stream>? OpenStream { get; init; }
}
