using System.Buffers.Binary;
using TrainWatch.Records;

namespace TrainWatch.Testing.Fuzz;

// Damage aimed at the TFRecord framing: what a buggy writer, a bad merge or a replayed buffer does. Offsets are those of
// the seed's records; after earlier mutations they may no longer be, and then the mutation damages whatever is there.

/// <summary>
/// Writes <paramref name="Length"/> into the length field of the record at <paramref name="RecordAt"/>. With
/// <paramref name="ResealCrc"/> the length CRC is recomputed, so the reader has to cope with a length it trusts.
/// </summary>
public sealed record OverwriteLength(long RecordAt, ulong Length, bool ResealCrc) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        var copy = bytes.ToArray();
        if (RecordAt + TfRecordFormat.HeaderSize <= copy.Length)
        {
            var header = copy.AsSpan((int)RecordAt, TfRecordFormat.HeaderSize);
            BinaryPrimitives.WriteUInt64LittleEndian(header, Length);
            if (ResealCrc)
            {
                TfRecordFormat.WriteHeader(header, Length);
            }
        }

        return copy;
    }

    public override string ToString() => $"new OverwriteLength(RecordAt: {RecordAt}, Length: 0x{Length:X}UL, ResealCrc: {(ResealCrc ? "true" : "false")})";
}

/// <summary>Repeats the <paramref name="Count"/> bytes at <paramref name="At"/> (a record) right after themselves.</summary>
public sealed record DuplicateRecord(long At, int Count) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        int at = Clamp(At, bytes.Length);
        int end = Clamp(at + (long)Count, bytes.Length);
        return [.. bytes.AsSpan(0, end), .. bytes.AsSpan(at, end - at), .. bytes.AsSpan(end)];
    }

    public override string ToString() => $"new DuplicateRecord(At: {At}, Count: {Count})";
}

/// <summary>Swaps two neighbouring byte ranges (two records) of <paramref name="FirstCount"/> and <paramref name="SecondCount"/> bytes at <paramref name="At"/>.</summary>
public sealed record SwapRecords(long At, int FirstCount, int SecondCount) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        if (At + (long)FirstCount + SecondCount > bytes.Length)
        {
            return bytes.ToArray();
        }

        int at = (int)At, middle = at + FirstCount, end = middle + SecondCount;
        return [.. bytes.AsSpan(0, at), .. bytes.AsSpan(middle, SecondCount), .. bytes.AsSpan(at, FirstCount), .. bytes.AsSpan(end)];
    }

    public override string ToString() => $"new SwapRecords(At: {At}, FirstCount: {FirstCount}, SecondCount: {SecondCount})";
}

/// <summary>
/// Damages the payload of the record at <paramref name="RecordAt"/> with <paramref name="PayloadDamage"/> (offsets
/// relative to the payload) and then frames it again with valid CRCs: damage done before the checksums were computed,
/// which the CRCs cannot catch, so the protobuf parser and everything after it see it.
/// </summary>
public sealed record ResealedRecord(long RecordAt, FileMutation PayloadDamage) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        if (RecordAt + TfRecordFormat.HeaderSize > bytes.Length)
        {
            return bytes.ToArray();
        }

        int at = (int)RecordAt;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
        long room = bytes.Length - at - TfRecordFormat.Overhead;
        if (room < 0 || length > (ulong)room)
        {
            return bytes.ToArray(); // not a whole record here (any more)
        }

        byte[] payload = PayloadDamage.Apply(bytes.AsSpan(at + TfRecordFormat.HeaderSize, (int)length).ToArray());
        var framed = new byte[TfRecordFormat.FramedLength(payload.Length)];
        TfRecordFormat.Write(framed, payload);
        return [.. bytes.AsSpan(0, at), .. framed, .. bytes.AsSpan(at + (int)TfRecordFormat.FramedLength((long)length))];
    }

    public override IEnumerable<FileMutation> Shrink() => PayloadDamage.Shrink().Select(d => new ResealedRecord(RecordAt, d));

    public override string ToString() => $"new ResealedRecord(RecordAt: {RecordAt}, PayloadDamage: {PayloadDamage})";
}
