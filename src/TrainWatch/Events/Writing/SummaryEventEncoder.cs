using System.Buffers;
using System.Runtime.CompilerServices;
using TrainWatch.Records;

namespace TrainWatch.Events;

/// <summary>
/// Frames a summary that arrives already encoded (<see cref="Summaries.SummaryEncoder"/>): the event's prefix, the
/// summary's bytes as they are, the TFRecord header and footer. Nothing is parsed or built, so the writer thread copies
/// and checksums the bytes and allocates nothing.
/// </summary>
internal static class SummaryEventEncoder
{
    /// <summary>The framed record's length.</summary>
    public static int FramedLength(double wallTime, long step, int summaryLength) =>
        EventPrefix.Length(wallTime, step, summaryLength) + summaryLength + TfRecordFormat.Overhead;

    /// <summary>Appends the framed record of <c>Event { wall_time, step, summary }</c>; returns the bytes appended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int AppendFramed(IBufferWriter<byte> destination, double wallTime, long step, ReadOnlySpan<byte> summary)
    {
        int framed = FramedLength(wallTime, step, summary.Length);
        int payloadLength = framed - TfRecordFormat.Overhead;
        var record = destination.GetSpan(framed)[..framed];
        var payload = record.Slice(TfRecordFormat.HeaderSize, payloadLength);
        int at = EventPrefix.Write(payload, wallTime, step, summary.Length);
        summary.CopyTo(payload[at..]);
        TfRecordFormat.WriteHeader(record, (ulong)payloadLength);
        TfRecordFormat.WriteFooter(record[(TfRecordFormat.HeaderSize + payloadLength)..], payload);
        destination.Advance(framed);
        return framed;
    }
}
