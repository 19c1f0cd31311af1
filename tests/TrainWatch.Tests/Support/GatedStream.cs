namespace TrainWatch.Tests.Support;

/// <summary>
/// Wraps an event file's stream, records the size of every write, and can hold writes at a gate: a writer blocked in
/// a write (a stalled disk, a preempted thread) for exactly as long as the test wants.
/// </summary>
public sealed class GatedStream(Stream inner) : Stream
{
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private readonly SemaphoreSlim _entered = new(0);
    private readonly List<int> _writes = [];

    /// <summary>The size of each write so far (the header record's included), in order.</summary>
    public IReadOnlyList<int> Writes
    {
        get
        {
            lock (_writes)
            {
                return _writes.ToList();
            }
        }
    }

    /// <summary>Writes from now on wait at the gate until <see cref="Release"/>.</summary>
    public void Hold() => _gate.Reset();

    public void Release() => _gate.Set();

    /// <summary>Waits until a write has reached the gate; the timeout only turns a hang into a failure.</summary>
    public bool WaitForWriteAtGate(TimeSpan hangGuard) => _entered.Wait(hangGuard);

    public override bool CanRead => false;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _entered.Release();
        _gate.Wait();
        inner.Write(buffer);
        lock (_writes)
        {
            _writes.Add(buffer.Length);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => inner.Flush();

    public override void SetLength(long value) => inner.SetLength(value);

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
