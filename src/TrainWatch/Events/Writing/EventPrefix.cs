using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TrainWatch.Events;

/// <summary>
/// The start of every summary event's encoding, <c>Event { wall_time, step, summary }</c> up to the summary's bytes:
/// what <see cref="ScalarEventEncoder"/> and <see cref="SummaryEventEncoder"/> both write before their own part.
/// </summary>
/// <remarks>
/// Protobuf's rules as its generated code applies them: fields in field-number order, proto3 defaults left out
/// (<c>wall_time</c> when it compares equal to 0, <c>step</c> when 0).
/// </remarks>
internal static class EventPrefix
{
    private const byte WallTimeKey = (1 << 3) | 1; // Event.wall_time, fixed 64 bits
    private const byte StepKey = 2 << 3; // Event.step, varint
    private const byte SummaryKey = (5 << 3) | 2; // Event.summary, length-delimited

    /// <summary>The prefix's length for a summary of <paramref name="summaryLength"/> bytes.</summary>
    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(double wallTime, long step, int summaryLength) =>
        (wallTime != 0 ? 1 + sizeof(double) : 0)
        + (step != 0 ? 1 + VarintLength((ulong)step) : 0)
        + 1 + VarintLength((uint)summaryLength);

    /// <summary>Writes the prefix; returns its length. The summary's bytes follow it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> payload, double wallTime, long step, int summaryLength)
    {
        int at = 0;
        if (wallTime != 0)
        {
            payload[at++] = WallTimeKey;
            BinaryPrimitives.WriteDoubleLittleEndian(payload[at..], wallTime);
            at += sizeof(double);
        }

        if (step != 0)
        {
            payload[at++] = StepKey;
            at += WriteVarint(payload[at..], (ulong)step);
        }

        payload[at++] = SummaryKey;
        at += WriteVarint(payload[at..], (uint)summaryLength);
        return at;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintLength(ulong value)
    {
        int length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        int at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }
}
