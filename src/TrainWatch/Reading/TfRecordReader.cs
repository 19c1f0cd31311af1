using System.Buffers.Binary;

namespace TrainWatch.Records;

/// <summary>What one call to <see cref="TfRecordReader.ReadNext"/> found.</summary>
public enum RecordReadOutcome
{
    /// <summary>A whole record whose two CRCs are valid.</summary>
    Record,

    /// <summary>The data ended exactly at a record boundary.</summary>
    EndOfData,

    /// <summary>
    /// The data ends inside a record: a file still being written, or one cut short by a crash. Everything before
    /// <see cref="TfRecordReader.Offset"/> is valid; a later call reads the record once it is complete.
    /// </summary>
    TruncatedTail,

    /// <summary>A CRC does not match: the bytes at <see cref="TfRecordReader.Offset"/> are damaged.</summary>
    Corrupt,
}

/// <summary>
/// Reads TFRecord-framed payloads from a stream and validates both CRCs of every record, the way TensorBoard's
/// reader does: it stops at the first bad record and treats a short read at the end as "not yet written".
/// </summary>
/// <remarks>
/// On a seekable stream a truncated tail leaves the stream positioned at the start of the incomplete record, so the
/// same reader can be called again when the file has grown (live tailing).
/// </remarks>
public sealed class TfRecordReader
{
    /// <summary>Records larger than this are treated as corruption rather than allocated.</summary>
    public const long MaxPayloadLength = 1L << 30;

    private readonly Stream _stream;
    private readonly byte[] _header = new byte[TfRecordFormat.HeaderSize];
    private byte[] _payload = new byte[256];

    /// <summary>Creates a reader positioned at the stream's current position.</summary>
    public TfRecordReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        _stream = stream;
        Offset = stream.CanSeek ? stream.Position : 0;
    }

    /// <summary>The byte offset of the next record to read (after a problem: of the record that has it).</summary>
    public long Offset { get; private set; }

    /// <summary>A human-readable description of the last <see cref="RecordReadOutcome.Corrupt"/> or truncated outcome.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// Reads the next record. On <see cref="RecordReadOutcome.Record"/>, <paramref name="payload"/> holds its bytes,
    /// valid until the next call.
    /// </summary>
    public RecordReadOutcome ReadNext(out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        Problem = null;

        int headerRead = ReadFully(_header);
        if (headerRead == 0)
        {
            return RecordReadOutcome.EndOfData;
        }

        if (headerRead < _header.Length)
        {
            return Truncated(headerRead, $"record header has {headerRead} of {TfRecordFormat.HeaderSize} bytes");
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(_header);
        uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(sizeof(ulong)));
        if (lengthCrc != Crc32C.ComputeMasked(_header.AsSpan(0, sizeof(ulong))))
        {
            return Corrupt(headerRead, "length CRC mismatch");
        }

        if (length > MaxPayloadLength)
        {
            return Corrupt(headerRead, $"record length {length} exceeds {MaxPayloadLength}");
        }

        int payloadLength = (int)length;
        long needed = payloadLength + TfRecordFormat.FooterSize;
        if (_stream.CanSeek && _stream.Length - _stream.Position < needed)
        {
            long available = _stream.Length - _stream.Position;
            return Truncated(headerRead, $"record has {headerRead + available} of {TfRecordFormat.FramedLength(payloadLength)} bytes");
        }

        int bodyRead = ReadBody((int)needed, knownAvailable: _stream.CanSeek);
        if (bodyRead < needed)
        {
            return Truncated(headerRead + bodyRead, $"record has {headerRead + bodyRead} of {TfRecordFormat.FramedLength(payloadLength)} bytes");
        }

        var body = _payload.AsSpan(0, payloadLength);
        uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(_payload.AsSpan(payloadLength, TfRecordFormat.FooterSize));
        if (dataCrc != Crc32C.ComputeMasked(body))
        {
            return Corrupt(headerRead + bodyRead, "data CRC mismatch");
        }

        Offset += headerRead + bodyRead;
        payload = _payload.AsMemory(0, payloadLength);
        return RecordReadOutcome.Record;
    }

    private RecordReadOutcome Truncated(long consumed, string problem)
    {
        Rewind(consumed);
        Problem = problem;
        return RecordReadOutcome.TruncatedTail;
    }

    private RecordReadOutcome Corrupt(long consumed, string problem)
    {
        Rewind(consumed);
        Problem = problem;
        return RecordReadOutcome.Corrupt;
    }

    // Why: a later call must start again at the record boundary, so a file that is still growing can be re-read.
    private void Rewind(long consumed)
    {
        if (_stream.CanSeek)
        {
            _stream.Position -= consumed;
        }
    }

    // A seekable stream was checked to hold the whole record, so the buffer is sized at once. A pipe may end early:
    // there the buffer grows with the bytes that actually arrive, so a damaged length (with a valid length CRC) cannot
    // make the reader allocate a gigabyte for a few bytes of data.
    private int ReadBody(int needed, bool knownAvailable)
    {
        int total = 0;
        while (total < needed)
        {
            int capacity = knownAvailable ? needed : (int)Math.Min(needed, Math.Max(64L * 1024, 2L * total));
            if (_payload.Length < capacity)
            {
                var grown = new byte[Math.Min(needed, Math.Max(capacity, _payload.Length * 2L))];
                _payload.AsSpan(0, total).CopyTo(grown);
                _payload = grown;
            }

            int n = ReadFully(_payload.AsSpan(total, capacity - total));
            total += n;
            if (total < capacity)
            {
                break;
            }
        }

        return total;
    }

    private int ReadFully(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
