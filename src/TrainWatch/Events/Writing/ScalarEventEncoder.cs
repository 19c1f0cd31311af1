using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using TrainWatch.Records;
using TrainWatch.Summaries;

namespace TrainWatch.Events;

/// <summary>
/// Encodes a scalar event straight into TFRecord framing: the same bytes Google.Protobuf writes for
/// <c>Event { wall_time, step, summary { value { tag, simple_value } } }</c>, without building the three messages and
/// sizing them twice. Scalars are the writer's most frequent event; this is their whole serialization cost.
/// </summary>
/// <remarks>
/// Protobuf's rules as its generated code applies them (<see cref="EventPrefix"/>), <c>simple_value</c> always written
/// because it is a oneof member. Tests compare the bytes with Google.Protobuf's for many inputs.
/// </remarks>
internal static class ScalarEventEncoder
{
    /// <summary>Appends the framed record of one scalar event; returns the bytes appended.</summary>
    /// <param name="destination">The batch.</param>
    /// <param name="wallTime">Unix seconds.</param>
    /// <param name="step">The training step.</param>
    /// <param name="tag">An already validated tag (<see cref="Summaries.SummaryTag.Validate"/>).</param>
    /// <param name="value">The value, as TensorBoard stores it (32 bits).</param>
    // Hot from the first call, so compiled fully optimised at once: a run's first thousands of events would otherwise
    // go through unoptimised code while the runtime decides to tier it up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int AppendFramed(IBufferWriter<byte> destination, double wallTime, long step, string tag, float value)
    {
        int tagLength = Encoding.UTF8.GetByteCount(tag);
        int valueLength = 1 + EventPrefix.VarintLength((uint)tagLength) + tagLength + 1 + sizeof(float);
        int summaryLength = 1 + EventPrefix.VarintLength((uint)valueLength) + valueLength;
        int payloadLength = EventPrefix.Length(wallTime, step, summaryLength) + summaryLength;
        int framed = payloadLength + TfRecordFormat.Overhead;

        var record = destination.GetSpan(framed)[..framed];
        var payload = record.Slice(TfRecordFormat.HeaderSize, payloadLength);
        int at = EventPrefix.Write(payload, wallTime, step, summaryLength);
        payload[at++] = SummaryEncoder.ValueKey;
        at += EventPrefix.WriteVarint(payload[at..], (uint)valueLength);
        payload[at++] = SummaryEncoder.TagKey;
        at += EventPrefix.WriteVarint(payload[at..], (uint)tagLength);
        at += Encoding.UTF8.GetBytes(tag, payload[at..]);
        payload[at++] = SummaryEncoder.SimpleValueKey;
        BinaryPrimitives.WriteSingleLittleEndian(payload[at..], value);
        at += sizeof(float);
        Debug.Assert(at == payloadLength, "the sizes computed above describe exactly what was written");

        TfRecordFormat.WriteHeader(record, (ulong)payloadLength);
        TfRecordFormat.WriteFooter(record[(TfRecordFormat.HeaderSize + payloadLength)..], payload);
        destination.Advance(framed);
        return framed;
    }

    /// <summary>
    /// An upper bound of <see cref="AppendFramed"/>'s length for <paramref name="tag"/>, in constant time (no UTF-8
    /// pass over the tag): every field present, every varint at its longest, every char three UTF-8 bytes.
    /// </summary>
    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MaxFramedLength(string tag) =>
        TfRecordFormat.Overhead
        + 1 + sizeof(double) // wall_time
        + 1 + 10 // step, a varint of up to 64 bits
        + 3 * (1 + 5) // keys and length varints of summary, value and tag
        + Encoding.UTF8.GetMaxByteCount(tag.Length)
        + 1 + sizeof(float); // simple_value
}
