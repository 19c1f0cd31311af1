using System.Buffers.Binary;
using Google.Protobuf;
using TrainWatch.Events;
using TrainWatch.Protos;

namespace TrainWatch.Tests.Support;

/// <summary>
/// What a correct reader finds in a whole file, worked out independently of <see cref="EventFileReader"/>: the framing
/// written out from the TFRecord definition, the bit-at-a-time CRC, and the reader's documented rules (stop at the first
/// damaged record; a record running past the end is a truncated tail; longer than the cap is damage).
/// </summary>
public sealed record ReferenceRecordWalk(IReadOnlyList<EventRecord> Records, EventFileState State, long? ProblemOffset)
{
    private const int HeaderSize = 12;
    private const int FooterSize = 4;

    public static ReferenceRecordWalk Of(byte[] bytes, long maxPayloadLength)
    {
        var records = new List<EventRecord>();
        long at = 0;
        while (true)
        {
            long remaining = bytes.LongLength - at;
            if (remaining == 0)
            {
                return new(records, EventFileState.Intact, null);
            }

            if (remaining < HeaderSize)
            {
                return new(records, EventFileState.TruncatedTail, at);
            }

            var header = bytes.AsSpan((int)at, HeaderSize);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != MaskedCrc(header[..8]) || length > (ulong)maxPayloadLength)
            {
                return new(records, EventFileState.Corrupt, at);
            }

            if ((ulong)remaining < HeaderSize + length + FooterSize)
            {
                return new(records, EventFileState.TruncatedTail, at);
            }

            var payload = bytes.AsSpan((int)at + HeaderSize, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at + HeaderSize + (int)length)) != MaskedCrc(payload))
            {
                return new(records, EventFileState.Corrupt, at);
            }

            Event evt;
            try
            {
                evt = Event.Parser.ParseFrom(payload);
            }
            catch (InvalidProtocolBufferException)
            {
                return new(records, EventFileState.Corrupt, at);
            }

            records.Add(new EventRecord(at, evt));
            at += HeaderSize + (long)length + FooterSize;
        }
    }

    // TensorFlow's mask: rotate right by 15 bits, add a constant.
    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = ReferenceCrc32C.Compute(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8);
    }
}
