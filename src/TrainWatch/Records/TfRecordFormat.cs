using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TrainWatch.Records;

/// <summary>
/// TFRecord framing, as TensorFlow writes it: <c>uint64 length (LE)</c>, <c>uint32 masked CRC32C of the length
/// bytes</c>, <c>payload</c>, <c>uint32 masked CRC32C of the payload</c>.
/// </summary>
public static class TfRecordFormat
{
    /// <summary>Bytes before the payload: the length and its CRC.</summary>
    public const int HeaderSize = sizeof(ulong) + sizeof(uint);

    /// <summary>Bytes after the payload: its CRC.</summary>
    public const int FooterSize = sizeof(uint);

    /// <summary>Framing bytes added to every payload.</summary>
    public const int Overhead = HeaderSize + FooterSize;

    /// <summary>The size of the framed record holding <paramref name="payloadLength"/> bytes.</summary>
    public static long FramedLength(long payloadLength) => payloadLength + Overhead;

    /// <summary>Writes the 12-byte header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteHeader(Span<byte> destination, ulong payloadLength)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[sizeof(ulong)..], Crc32C.ComputeMasked(destination[..sizeof(ulong)]));
    }

    /// <summary>Writes the 4-byte footer (the payload's masked CRC).</summary>
    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteFooter(Span<byte> destination, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Crc32C.ComputeMasked(payload));

    /// <summary>Frames <paramref name="payload"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> payload)
    {
        WriteHeader(destination, (ulong)payload.Length);
        payload.CopyTo(destination[HeaderSize..]);
        WriteFooter(destination[(HeaderSize + payload.Length)..], payload);
        return payload.Length + Overhead;
    }
}
