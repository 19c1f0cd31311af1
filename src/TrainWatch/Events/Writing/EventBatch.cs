using System.Buffers;
using System.Runtime.CompilerServices;
using TrainWatch.Protos;

namespace TrainWatch.Events;

/// <summary>
/// Framed records waiting to be written in one go, and when the oldest of them arrived (for the flush timer). Only
/// the writer loop touches it.
/// </summary>
internal sealed class EventBatch(TimeProvider time, int initialCapacity = EventBatch.DefaultCapacity)
{
    /// <summary>What a batch starts with unless told otherwise; it grows as records need.</summary>
    public const int DefaultCapacity = 64 * 1024;

    // A buffer grown past this by one huge event is not kept for the rest of the run.
    private const int KeepCapacity = 4 << 20;

    private ArrayBufferWriter<byte> _buffer = new(initialCapacity);
    private long _startedAt;

    public int Events { get; private set; }

    public int Bytes => _buffer.WrittenCount;

    public ReadOnlySpan<byte> Records => _buffer.WrittenSpan;

    /// <summary>Bytes the batch takes before its buffer must grow.</summary>
    public int FreeCapacity => _buffer.FreeCapacity;

    /// <summary>Appends one whole record that arrives now.</summary>
    public void Append(Event evt) => Append(evt, time.GetTimestamp());

    /// <summary>Time since the oldest event in the batch arrived.</summary>
    public TimeSpan Age => Events == 0 ? TimeSpan.Zero : time.GetElapsedTime(_startedAt);

    /// <summary>Appends one whole record; a serialization failure leaves the batch as it was.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="arrivedAt">When it was queued (a timestamp of the batch's clock): the batch's age counts from its first event's.</param>
    public void Append(Event evt, long arrivedAt)
    {
        // AppendFramed advances the buffer only after the whole record is in it.
        EventSerializer.AppendFramed(_buffer, evt);
        Counted(arrivedAt);
    }

    /// <summary>Appends one scalar's record (see <see cref="ScalarEventEncoder"/>).</summary>
    /// <param name="step">The training step.</param>
    /// <param name="wallTime">Unix seconds.</param>
    /// <param name="tag">A validated tag.</param>
    /// <param name="value">The value.</param>
    /// <param name="arrivedAt">When it was queued (a timestamp of the batch's clock).</param>
    // Hot from the first call, so compiled fully optimised at once: a run's first thousands of events would otherwise
    // go through unoptimised code while the runtime decides to tier it up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendScalar(long step, double wallTime, string tag, float value, long arrivedAt)
    {
        ScalarEventEncoder.AppendFramed(_buffer, wallTime, step, tag, value);
        Counted(arrivedAt);
    }

    /// <summary>Appends one summary event whose summary is already encoded (see <see cref="SummaryEventEncoder"/>).</summary>
    /// <param name="step">The training step.</param>
    /// <param name="wallTime">Unix seconds.</param>
    /// <param name="summary">The summary's bytes.</param>
    /// <param name="arrivedAt">When it was queued (a timestamp of the batch's clock).</param>
    public void AppendEncodedSummary(long step, double wallTime, ReadOnlySpan<byte> summary, long arrivedAt)
    {
        SummaryEventEncoder.AppendFramed(_buffer, wallTime, step, summary);
        Counted(arrivedAt);
    }

    // One more record is in (appended whole): the batch's age counts from its first record's arrival.
    // On every scalar's path: inlined into its optimised caller (see AppendScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Counted(long arrivedAt)
    {
        if (Events == 0)
        {
            _startedAt = arrivedAt;
        }

        Events++;
    }

    public void Clear()
    {
        Events = 0;

        // Why: one huge histogram should not pin its buffer for the rest of the run.
        if (_buffer.Capacity > KeepCapacity)
        {
            _buffer = new ArrayBufferWriter<byte>(initialCapacity);
        }
        else
        {
            _buffer.ResetWrittenCount();
        }
    }
}
