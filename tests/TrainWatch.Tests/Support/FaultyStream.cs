namespace TrainWatch.Tests.Support;

/// <summary>
/// Wraps a real file stream and injects faults: writes fail after a byte budget (part of the failing write still
/// lands, as on a full disk), every write is slowed down (a throttled disk), or permission is withdrawn (every write,
/// flush and truncation is refused and nothing lands, as when a mount turns read-only or an ACL changes).
/// </summary>
public sealed class FaultyStream(FileStream inner) : Stream
{
    private long _budget = long.MaxValue;

    /// <summary>Bytes that may still be written before writes start failing.</summary>
    public long Budget
    {
        get => Interlocked.Read(ref _budget);
        set => Interlocked.Exchange(ref _budget, value);
    }

    public TimeSpan WriteDelay { get; set; }

    /// <summary>While this says so, the stream refuses everything with the exception .NET raises for EACCES/EPERM.</summary>
    public Func<bool> AccessDenied { get; set; } = () => false;

    public int FailedWrites { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDenied();
        if (WriteDelay > TimeSpan.Zero)
        {
            Thread.Sleep(WriteDelay);
        }

        long budget = Budget;
        if (buffer.Length > budget)
        {
            // Like a disk that fills up mid-write: part of the data lands, then the write fails.
            inner.Write(buffer[..(int)Math.Max(0, budget)]);
            Budget = 0;
            FailedWrites++;
            throw new IOException("No space left on device (injected)");
        }

        inner.Write(buffer);
        Budget = budget - buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
        ThrowIfDenied();
        inner.Flush();
    }

    public override void SetLength(long value)
    {
        ThrowIfDenied();
        inner.SetLength(value);
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void ThrowIfDenied()
    {
        if (AccessDenied())
        {
            FailedWrites++;
            throw new UnauthorizedAccessException("Permission denied (injected)");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Opens faulty streams; while <paramref name="accessDenied"/> says so, opening a file is refused too.</summary>
    public static Func<string, Stream> Factory(Action<FaultyStream> configure, List<FaultyStream>? created = null, Func<bool>? accessDenied = null) => path =>
    {
        if (accessDenied?.Invoke() == true)
        {
            throw new UnauthorizedAccessException($"Access to the path '{path}' is denied (injected).");
        }

        var stream = new FaultyStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 0));
        configure(stream);
        created?.Add(stream);
        return stream;
    };
}
