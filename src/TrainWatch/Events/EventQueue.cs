namespace TrainWatch.Events;

/// <summary>
/// The bounded queue between the callers and the writer loop, bounded both in items (<c>QueueCapacity</c>) and in
/// bytes (<c>MaxQueuedBytes</c>, because one histogram can hold megabytes while a scalar holds a few bytes).
/// </summary>
/// <remarks>
/// Built for the writer's most frequent case, thousands of tiny events per second: callers append under one lock,
/// and the writer takes everything queued at once (<see cref="TakeAll"/>), so per event it touches no memory the
/// callers are writing to. (A channel read per event made the two cores pass the same cache lines back and forth for
/// every scalar: most of a scalar's cost.) The writer is woken only when there is something to do now: always for
/// the first event of an empty batch (see <see cref="WakeOnEveryItem"/>), otherwise for a flush, a summary to build,
/// a large item, a queue half full, blocked callers, or closing; the rest waits for the batch's flush timer. (Waking
/// it for every few thousand events as well, to encode beside the caller, measured no faster.)
/// </remarks>
internal sealed class EventQueue
{
    /// <summary>
    /// Items this large keep their bytes counted until the writer has processed them (as a histogram's copy lives
    /// until it is bucketed); smaller ones are released in bulk when the writer takes them.
    /// </summary>
    internal const long LargeItemBytes = 64 * 1024;

    private static readonly Task<bool> s_itemsReady = Task.FromResult(true);
    private static readonly Task<bool> s_closed = Task.FromResult(false);

    private readonly object _lock = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private List<PendingEvent> _items = [];
    private long _queuedBytes;
    private bool _closed;
    private bool _urgent;
    private bool _wakeOnEveryItem = true;
    private int _blockedProducers;
    private TaskCompletionSource<bool>? _readerWake;

    public EventQueue(int capacity, long maxBytes)
    {
        _capacity = capacity;
        _maxBytes = maxBytes;
    }

    /// <summary>
    /// Whether any new item wakes the writer (its batch is empty, so a new event starts the flush timer), or only
    /// items that need it now. Setting it to true wakes a waiting writer when items are already queued.
    /// </summary>
    public bool WakeOnEveryItem
    {
        set
        {
            lock (_lock)
            {
                _wakeOnEveryItem = value;
                if (value && _items.Count > 0)
                {
                    WakeReader(true);
                }
            }
        }
    }

    /// <summary>Queues <paramref name="item"/>; false when there is no room (and <paramref name="block"/> is off) or the queue is closed.</summary>
    public bool TryEnqueue(PendingEvent item, bool block)
    {
        lock (_lock)
        {
            while (!_closed && !HasRoom(item.EstimatedBytes))
            {
                if (!block)
                {
                    return false;
                }

                // Blocking the caller is what Block means; the writer must be awake to make room.
                _blockedProducers++;
                WakeReader(true);
                try
                {
                    // The timeout only guards against a missed pulse; the writer pulses whenever room appears.
                    Monitor.Wait(_lock, 50);
                }
                finally
                {
                    _blockedProducers--;
                }
            }

            if (_closed)
            {
                return false;
            }

            Add(item);
            return true;
        }
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
    /// Completes with true when there is something for the writer to take now (see <see cref="WakeOnEveryItem"/>),
    /// with false once the queue is closed (the writer then drains what is left).
    /// </summary>
    public Task<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return s_closed;
            }

            if (_items.Count > 0 && (_wakeOnEveryItem || _urgent))
            {
                return s_itemsReady;
            }

            // Continuations run on the pool, never inside a caller's Add.
            _readerWake ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _readerWake.Task;
        }
    }

    /// <summary>
    /// Takes every queued item in order, handing over <paramref name="empty"/> (an empty list) to be filled next. The
    /// bytes of small items stop counting now; large ones count until <see cref="Taken"/>.
    /// </summary>
    public List<PendingEvent> TakeAll(List<PendingEvent> empty)
    {
        lock (_lock)
        {
            var taken = _items;
            _items = empty;
            _urgent = false;
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
    private bool HasRoom(long bytes) =>
        _items.Count < _capacity && (_queuedBytes + bytes <= _maxBytes || _queuedBytes == 0);

    private void Add(PendingEvent item)
    {
        _items.Add(item);
        _queuedBytes += item.EstimatedBytes;

        // Work the writer should start at once: a flush someone waits for, a summary to build (it runs beside the
        // caller, not after it), a large item, or a queue filling up (so Drop does not drop while the writer sleeps).
        if (item.Flush is not null || item.Build is not null || item.EstimatedBytes >= LargeItemBytes ||
            _items.Count >= _capacity / 2 || _queuedBytes >= _maxBytes / 2)
        {
            _urgent = true;
        }

        if (_urgent || _wakeOnEveryItem)
        {
            WakeReader(true);
        }
    }

    private void WakeReader(bool itemsReady)
    {
        var wake = _readerWake;
        _readerWake = null;
        wake?.TrySetResult(itemsReady);
    }
}
