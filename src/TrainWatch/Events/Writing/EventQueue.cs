using System.Runtime.CompilerServices;

namespace TrainWatch.Events;

/// <summary>
/// The bounded queue between the callers and the writer loop, bounded both in items (<c>QueueCapacity</c>) and in
/// bytes (<c>MaxQueuedBytes</c>, because one histogram can hold megabytes while a scalar holds a few bytes).
/// </summary>
/// <remarks>
/// Built for the writer's most frequent case, thousands of tiny events per second: callers append under one lock,
/// and the writer takes everything queued at once (<see cref="TakeAll"/>), so per event it touches no memory the
/// callers are writing to: cache lines passed back and forth between the cores would be most of a scalar's cost. The
/// writer is woken only when there is something to do now: when the
/// queued records may fill the room left in its batch (see <see cref="BatchRoom"/>; for an empty batch that is the
/// first event, which starts the flush timer), for a flush, a summary to build, a large item, a queue half full,
/// blocked callers, its flush timer (<see cref="Wake"/>), or closing (what else was tried: docs/benchmarks.md).
/// Every one of those reasons is one condition, <see cref="ReaderHasWork"/>, checked both when an item arrives and
/// when the writer asks whether to sleep: a reason known to only one of the two is a wake-up lost (issue 23: a batch
/// filled by small items once waited an hour for its flush timer, because only the writer knew about the batch bound).
/// </remarks>
internal sealed class EventQueue
{
    /// <summary>
    /// Items this large keep their bytes counted until the writer has processed them (as a histogram's copy lives
    /// until it is bucketed); smaller ones are released in bulk when the writer takes them.
    /// </summary>
    internal const long LargeItemBytes = 64 * 1024;


    private readonly object _lock = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private List<PendingEvent> _items = [];
    private long _queuedBytes;
    private long _queuedRecordBytes;
    private long _batchRoom;
    private bool _closed;
    private bool _urgent;
    private bool _wakeRequested;
    private int _blockedProducers;
    private readonly ReaderWake _readerWake = new();

    public EventQueue(int capacity, long maxBytes)
    {
        _capacity = capacity;
        _maxBytes = maxBytes;
    }

    /// <summary>
    /// Bytes of records the writer's batch takes before it is due (its byte bound less what it holds): queued items
    /// whose records may add up to this much wake the writer. Zero for an empty batch, so that any new item wakes it
    /// (the first event starts the flush timer); <see cref="long.MaxValue"/> when size cannot make the batch due (a
    /// failing disk waits for its retry). Lowering it wakes a waiting writer when the queued items already fill it.
    /// </summary>
    public long BatchRoom
    {
        set
        {
            lock (_lock)
            {
                _batchRoom = value;
                if (ReaderHasWork())
                {
                    WakeReader(true);
                }
            }
        }
    }

    /// <summary>Test seam: callers waiting for room right now.</summary>
    internal int BlockedProducers
    {
        get
        {
            lock (_lock)
            {
                return _blockedProducers;
            }
        }
    }

    /// <summary>Queues <paramref name="item"/>; false when there is no room (and <paramref name="block"/> is off) or the queue is closed.</summary>
    // On every scalar's path: compiled fully optimised from the first call (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryEnqueue(PendingEvent item, bool block)
    {
        lock (_lock)
        {
            if (!_closed && !HasRoom(item.EstimatedBytes) && !WaitForRoom(item.EstimatedBytes, block))
            {
                return false;
            }

            if (_closed)
            {
                return false;
            }

            Add(item);
            return true;
        }
    }

    // Under the lock, for an item that does not fit: false at once unless blocking, else true once it fits or the
    // queue is closed. Not inlined: Monitor.Wait is a native call, and inlined it would make every enqueue set up a
    // frame for it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool WaitForRoom(long bytes, bool block)
    {
        if (!block)
        {
            return false;
        }

        while (!_closed && !HasRoom(bytes))
        {
            // Blocking the caller is what Block means; the writer must be awake to make room. It is counted before
            // the wake, so a writer that asks whether to sleep sees it too.
            _blockedProducers++;
            WakeReader(true);
            try
            {
                // No timeout: room appears only in TakeAll and Taken, and both pulse under this lock, as does Close.
                // (A timed poll here once hid a writer that slept through a blocked caller.)
                Monitor.Wait(_lock);
            }
            finally
            {
                _blockedProducers--;
            }
        }

        return true;
    }

    /// <summary>Queues a flush marker behind everything queued so far (it needs no room); false once closed.</summary>
    public bool EnqueueFlush(PendingEvent marker)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            Add(marker);
            return true;
        }
    }

    /// <summary>
    /// Completes with true when there is something for the writer to do now (see <see cref="ReaderHasWork"/>; the
    /// writer then looks at its queue and its timer), with false once the queue is closed (the writer then drains what
    /// is left).
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return new ValueTask<bool>(false);
            }

            if (ReaderHasWork())
            {
                _wakeRequested = false;
                return new ValueTask<bool>(true);
            }

            // One reusable awaitable, not a task per sleep: the writer loop allocates nothing while it waits.
            return _readerWake.Wait();
        }
    }

    /// <summary>
    /// Wakes the writer whether or not items are queued (its flush timer is due). A wake that comes while the writer is
    /// not waiting is kept for its next <see cref="WaitToReadAsync"/>, never lost.
    /// </summary>
    public void Wake()
    {
        lock (_lock)
        {
            _wakeRequested = true;
            WakeReader(true);
        }
    }

    /// <summary>
    /// Takes every queued item in order, handing over <paramref name="empty"/> (an empty list) to be filled next. The
    /// bytes of small items stop counting now; large ones count until <see cref="Taken"/>.
    /// </summary>
    // On every scalar's path: compiled fully optimised from the first call (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<PendingEvent> TakeAll(List<PendingEvent> empty)
    {
        lock (_lock)
        {
            var taken = _items;
            _items = empty;
            _urgent = false;
            _wakeRequested = false;
            _queuedRecordBytes = 0;
            foreach (var item in taken)
            {
                if (item.EstimatedBytes < LargeItemBytes)
                {
                    _queuedBytes -= item.EstimatedBytes;
                }
            }

            if (_blockedProducers > 0)
            {
                Monitor.PulseAll(_lock);
            }

            return taken;
        }
    }

    /// <summary>The writer loop has processed <paramref name="item"/>: a large item's bytes no longer count.</summary>
    // On every scalar's path: compiled fully optimised from the first call (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Taken(PendingEvent item)
    {
        if (item.EstimatedBytes < LargeItemBytes)
        {
            return;
        }

        lock (_lock)
        {
            _queuedBytes -= item.EstimatedBytes;
            if (_blockedProducers > 0)
            {
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>No more items are accepted; waiting producers give up and the writer wakes to drain.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            WakeReader(false);
            Monitor.PulseAll(_lock);
        }
    }

    // An item larger than the whole bound is still accepted into an empty queue, or it could never be written.
    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool HasRoom(long bytes) =>
        _items.Count < _capacity && (_queuedBytes + bytes <= _maxBytes || _queuedBytes == 0);

    // The one answer to "should the writer be awake?" (under the lock). A blocked caller with nothing queued needs no
    // writer: its room is held by large items the writer is processing (it pulses as it finishes each), or it was
    // pulsed already and has yet to get the lock back.
    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ReaderHasWork() =>
        _wakeRequested ||
        (_items.Count > 0 && (_urgent || _blockedProducers > 0 || _queuedRecordBytes >= _batchRoom));

    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(PendingEvent item)
    {
        _items.Add(item);
        _queuedBytes += item.EstimatedBytes;
        _queuedRecordBytes += item.MaxRecordBytes;

        // Work the writer should start at once: a flush someone waits for, a summary to build (it runs beside the
        // caller, not after it), a large item, or a queue filling up (so Drop does not drop while the writer sleeps).
        if (item.Flush is not null || item.Build is not null || item.EstimatedBytes >= LargeItemBytes ||
            _items.Count >= _capacity / 2 || _queuedBytes >= _maxBytes / 2)
        {
            _urgent = true;
        }

        if (ReaderHasWork())
        {
            WakeReader(true);
        }
    }

    private void WakeReader(bool itemsReady) => _readerWake.Wake(itemsReady);
}
