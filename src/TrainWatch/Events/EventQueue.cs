using System.Threading.Channels;

namespace TrainWatch.Events;

/// <summary>
/// The bounded queue between the callers and the writer loop. The channel bounds the number of items and does the
/// blocking for <see cref="BackpressurePolicy.Block"/>; the only code of ours is the byte bound, because one histogram
/// can hold megabytes while a scalar holds a few bytes.
/// </summary>
internal sealed class EventQueue
{
    private readonly Channel<PendingEvent> _channel;
    private readonly long _maxBytes;
    private readonly object _roomLock = new();
    private long _queuedBytes;
    private int _waitingForBytes;
    private volatile bool _closed;

    public EventQueue(int capacity, long maxBytes)
    {
        _maxBytes = maxBytes;
        _channel = Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    public ChannelReader<PendingEvent> Reader => _channel.Reader;

    /// <summary>Queues <paramref name="item"/>; false when there is no room (and <paramref name="block"/> is off) or the queue is closed.</summary>
    public bool TryEnqueue(PendingEvent item, bool block)
    {
        if (_closed || !ReserveBytes(item.EstimatedBytes, block))
        {
            return false;
        }

        if (_channel.Writer.TryWrite(item))
        {
            return true;
        }

        if (block && WaitAndWrite(item))
        {
            return true;
        }

        ReleaseBytes(item.EstimatedBytes);
        return false;
    }

    /// <summary>Queues a flush marker behind everything queued so far, waiting for room; false once closed.</summary>
    public bool EnqueueFlush(PendingEvent marker) => _channel.Writer.TryWrite(marker) || WaitAndWrite(marker);

    /// <summary>The writer loop took <paramref name="item"/>: its bytes no longer count.</summary>
    public void Taken(PendingEvent item) => ReleaseBytes(item.EstimatedBytes);

    /// <summary>No more items are accepted; waiting producers give up.</summary>
    public void Close()
    {
        _closed = true;
        _channel.Writer.TryComplete();
        lock (_roomLock)
        {
            Monitor.PulseAll(_roomLock);
        }
    }

    private bool WaitAndWrite(PendingEvent item)
    {
        try
        {
            // Blocking the caller is what Block and Flush mean; the writer loop never waits on a producer.
            _channel.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    // An item larger than the whole bound is still accepted into an empty queue, or it could never be written.
    private bool HasRoom(long bytes) => Interlocked.Read(ref _queuedBytes) + bytes <= _maxBytes || Interlocked.Read(ref _queuedBytes) == 0;

    private bool ReserveBytes(long bytes, bool block)
    {
        if (!HasRoom(bytes))
        {
            if (!block || !WaitForBytes(bytes))
            {
                return false;
            }
        }

        Interlocked.Add(ref _queuedBytes, bytes);
        return true;
    }

    private bool WaitForBytes(long bytes)
    {
        Interlocked.Increment(ref _waitingForBytes);
        try
        {
            lock (_roomLock)
            {
                while (!HasRoom(bytes))
                {
                    if (_closed)
                    {
                        return false;
                    }

                    // The timeout only guards against a missed pulse; ReleaseBytes pulses as soon as bytes leave.
                    Monitor.Wait(_roomLock, 50);
                }

                return true;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waitingForBytes);
        }
    }

    private void ReleaseBytes(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        Interlocked.Add(ref _queuedBytes, -bytes);
        if (Volatile.Read(ref _waitingForBytes) > 0)
        {
            lock (_roomLock)
            {
                Monitor.PulseAll(_roomLock);
            }
        }
    }
}
