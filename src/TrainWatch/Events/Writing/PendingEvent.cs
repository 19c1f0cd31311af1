using System.Runtime.CompilerServices;
using TrainWatch.Protos;
using TrainWatch.Records;

namespace TrainWatch.Events;

/// <summary>
/// One item in the writer's queue: a ready event, a scalar, an encoded summary, a summary still to be built on the
/// writer thread, or a flush request.
/// </summary>
internal sealed class PendingEvent
{
    /// <summary>
    /// What a queued scalar holds: this object (the tag string is the caller's). Its record is encoded only on the
    /// writer thread, so there is no message to size here.
    /// </summary>
    private const long ScalarEstimatedBytes = 64;

    private PendingEvent(long step, double wallTime, Event? ready, Func<Summary?>? build, FlushRequest? flush, long estimatedBytes, long maxRecordBytes)
    {
        Step = step;
        WallTime = wallTime;
        Ready = ready;
        Build = build;
        Flush = flush;
        EstimatedBytes = estimatedBytes;
        MaxRecordBytes = maxRecordBytes;
    }

    private PendingEvent(long step, double wallTime, string scalarTag, float scalarValue)
        : this(step, wallTime, null, null, null, ScalarEstimatedBytes, ScalarEventEncoder.MaxFramedLength(scalarTag))
    {
        ScalarTag = scalarTag;
        ScalarValue = scalarValue;
    }

    private PendingEvent(long step, double wallTime, byte[] encoded, int encodedLength, EncodedSummaryBuffers buffers)
        : this(step, wallTime, null, null, null, encodedLength, SummaryEventEncoder.FramedLength(wallTime, step, encodedLength))
    {
        Encoded = encoded;
        EncodedLength = encodedLength;
        EncodedBuffers = buffers;
    }

    public long Step { get; }

    public double WallTime { get; }

    public Event? Ready { get; }

    /// <summary>Builds the summary off the training thread; may return null to write nothing.</summary>
    public Func<Summary?>? Build { get; }

    public FlushRequest? Flush { get; }

    /// <summary>The (validated) tag when this item is a scalar: it is encoded without building messages.</summary>
    public string? ScalarTag { get; }

    /// <summary>The scalar's value, as TensorBoard stores it.</summary>
    public float ScalarValue { get; }

    /// <summary>When this item is an encoded summary: the array whose first <see cref="EncodedLength"/> bytes hold it.</summary>
    public byte[]? Encoded { get; }

    public int EncodedLength { get; }

    // Where the array goes back once its record is written.
    private EncodedSummaryBuffers? EncodedBuffers { get; }

    /// <summary>Bytes this item holds while queued (for the queue's byte bound).</summary>
    public long EstimatedBytes { get; }

    /// <summary>
    /// At least the bytes its framed record adds to the writer's batch, so the queue can wake the writer before the
    /// batch passes its byte bound (an estimate below the truth would let a batch of small items outgrow it unseen).
    /// Zero for flushes; for summaries still to be built it is unknown, but those wake the writer anyway.
    /// </summary>
    public long MaxRecordBytes { get; }

    /// <summary>
    /// When the caller queued it (a <see cref="TimeProvider"/> timestamp), set once just before queuing. The flush
    /// interval counts from here, not from when the writer thread got to it: "written at most 2 s after it was
    /// logged" must hold when that thread runs late on a loaded machine.
    /// </summary>
    public long EnqueuedAt { get; set; }

    public static PendingEvent ForEvent(Event evt)
    {
        long size = evt.CalculateSize();
        return new(evt.Step, evt.WallTime, evt, null, null, size, size + TfRecordFormat.Overhead);
    }

    /// <summary>A scalar; <paramref name="tag"/> must already be validated.</summary>
    public static PendingEvent ForScalar(long step, double wallTime, string tag, float value) => new(step, wallTime, tag, value);

    /// <summary>
    /// An encoded summary (<see cref="Summaries.SummaryEncoder"/>), copied into an array of <paramref name="buffers"/>
    /// that goes back to them once its record is written (<see cref="ReleaseEncoded"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PendingEvent ForEncoded(long step, double wallTime, ReadOnlySpan<byte> summary, EncodedSummaryBuffers buffers)
    {
        var array = buffers.Rent(summary.Length);
        summary.CopyTo(array);
        return new(step, wallTime, array, summary.Length, buffers);
    }

    /// <summary>Gives an encoded summary's array back, once its bytes are in the batch (or will never be).</summary>
    public void ReleaseEncoded()
    {
        if (Encoded is { } array)
        {
            EncodedBuffers!.Return(array);
        }
    }

    public static PendingEvent ForSummary(long step, double wallTime, Func<Summary?> build, long estimatedBytes) =>
        new(step, wallTime, null, build, null, estimatedBytes, 0);

    public static PendingEvent ForFlush(FlushRequest request) => new(0, 0, null, null, request, 0, 0);

    /// <summary>
    /// Makes the event to write, or null when the builder had nothing to say. Not for an encoded summary: the writer
    /// loop frames its bytes as they are.
    /// </summary>
    public Event? ToEvent()
    {
        if (Ready is not null)
        {
            return Ready;
        }

        if (ScalarTag is not null)
        {
            var scalar = new Summary();
            scalar.Value.Add(new Summary.Types.Value { Tag = ScalarTag, SimpleValue = ScalarValue });
            return new Event { Step = Step, WallTime = WallTime, Summary = scalar };
        }

        var summary = Build!();
        return summary is null ? null : new Event { Step = Step, WallTime = WallTime, Summary = summary };
    }
}

/// <summary>A caller waiting for everything queued before it to reach the file.</summary>
internal sealed class FlushRequest(bool toDisk)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool ToDisk { get; } = toDisk;

    public Task Completion => _done.Task;

    public void Complete() => _done.TrySetResult();
}
