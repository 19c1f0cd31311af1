using System.Buffers;
using Google.Protobuf;
using TrainWatch.Protos;
using TrainWatch.Records;

namespace TrainWatch.Events;

/// <summary>Serializes events straight into TFRecord framing, without an intermediate copy of the payload.</summary>
internal static class EventSerializer
{
    /// <summary>Appends <paramref name="evt"/> as one framed record; returns the bytes appended.</summary>
    public static int AppendFramed(ArrayBufferWriter<byte> destination, Event evt)
    {
        int size = evt.CalculateSize();
        int framed = size + TfRecordFormat.Overhead;
        var span = destination.GetSpan(framed)[..framed];
        var payload = span.Slice(TfRecordFormat.HeaderSize, size);
        evt.WriteTo(payload);
        TfRecordFormat.WriteHeader(span, (ulong)size);
        TfRecordFormat.WriteFooter(span[(TfRecordFormat.HeaderSize + size)..], payload);
        destination.Advance(framed);
        return framed;
    }

    /// <summary>One event as a framed record.</summary>
    public static byte[] Frame(Event evt)
    {
        var buffer = new ArrayBufferWriter<byte>(evt.CalculateSize() + TfRecordFormat.Overhead);
        AppendFramed(buffer, evt);
        return buffer.WrittenSpan.ToArray();
    }
}
