using FsCheck;
using FsCheck.Fluent;
using TrainWatch.Records;

namespace TrainWatch.Testing.Fuzz;

/// <summary>
/// FsCheck generators of damage to one seed. Offsets favour the places where framing bugs hide (a record's header, the
/// previous record's footer, the very end) over the middle of long payloads.
/// </summary>
public static class MutationGenerator
{
    // Lengths a reader must not trust: negative as a signed 64-bit value, beyond 32 bits, at and just past the reader's cap.
    private static readonly ulong[] s_hostileLengths =
    [
        ulong.MaxValue, 1UL << 63, long.MaxValue, uint.MaxValue, 1UL << 31, int.MaxValue,
        (ulong)TfRecordReader.MaxPayloadLength, (ulong)TfRecordReader.MaxPayloadLength + 1, 0,
    ];

    /// <summary>One mutation of <paramref name="seed"/>, of any kind.</summary>
    public static Gen<FileMutation> Any(SeedEventFile seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        int length = seed.Bytes.Length;
        var offset = Offset(seed);
        var record = Gen.Elements(seed.Records.ToArray());
        return Gen.Frequency(
            (4, from at in offset from mask in Gen.Choose(1, 255) select (FileMutation)new FlipBits(at, (byte)mask)),
            (3, from at in offset from bytes in Bytes() select (FileMutation)new Overwrite(at, bytes)),
            (3, from keep in Gen.Frequency((3, Gen.Choose(0, length).Select(n => (long)n)), (2, offset)) select (FileMutation)new Truncate(keep)),
            (3, from at in offset from bytes in Bytes() select (FileMutation)new Insert(at, bytes)),
            (3, from at in offset from count in Count() select (FileMutation)new Delete(at, count)),
            (2, from at in offset from count in Count() select (FileMutation)new ZeroFill(at, count)),
            (3, from r in record
                from value in Gen.Frequency((3, Gen.Elements(s_hostileLengths)), (1, Gen.Choose(1, 4096).Select(n => (ulong)n)))
                from reseal in Gen.Elements(true, false)
                select (FileMutation)new OverwriteLength(r.Offset, value, reseal)),
            (2, from r in record select (FileMutation)new DuplicateRecord(r.Offset, r.Length)),
            (2, from i in Gen.Choose(0, seed.Records.Count - 2)
                select (FileMutation)(seed.Records.Count < 2
                    ? new DuplicateRecord(0, seed.Records[0].Length)
                    : new SwapRecords(seed.Records[i].Offset, seed.Records[i].Length, seed.Records[i + 1].Length))),
            (3, from r in record from damage in PayloadDamage(r.Length - TfRecordFormat.Overhead)
                select (FileMutation)new ResealedRecord(r.Offset, damage)));
    }

    /// <summary>One to four mutations of <paramref name="seed"/>, applied in order; mostly one, so most damage is easy to read.</summary>
    public static Gen<List<FileMutation>> Combination(SeedEventFile seed) =>
        Gen.Frequency((6, Gen.Constant(1)), (3, Gen.Constant(2)), (1, Gen.Choose(3, 4)))
            .SelectMany(count => Any(seed).ListOf(count));

    // Damage inside a payload that is then framed again: byte-level only, with offsets relative to the payload.
    private static Gen<FileMutation> PayloadDamage(int payloadLength)
    {
        var at = Gen.Choose(0, Math.Max(0, payloadLength - 1)).Select(n => (long)n);
        return Gen.OneOf(
            from a in at from mask in Gen.Choose(1, 255) select (FileMutation)new FlipBits(a, (byte)mask),
            from a in at from bytes in Bytes() select (FileMutation)new Overwrite(a, bytes),
            from a in at from bytes in Bytes() select (FileMutation)new Insert(a, bytes),
            from a in at from count in Count() select (FileMutation)new Delete(a, count),
            from keep in Gen.Choose(0, payloadLength) select (FileMutation)new Truncate(keep));
    }

    private static Gen<long> Offset(SeedEventFile seed)
    {
        var nearRecordStart = from r in Gen.Elements(seed.Records.ToArray())
                              from delta in Gen.Choose(-TfRecordFormat.FooterSize, TfRecordFormat.HeaderSize + 4)
                              select Math.Max(0, r.Offset + delta);
        var nearEnd = Gen.Choose(Math.Max(0, seed.Bytes.Length - 16), seed.Bytes.Length).Select(n => (long)n);
        return Gen.Frequency((3, Gen.Choose(0, seed.Bytes.Length).Select(n => (long)n)), (2, nearRecordStart), (1, nearEnd));
    }

    private static Gen<int> Count() => Gen.Frequency((3, Gen.Choose(1, 16)), (1, Gen.Choose(17, 300)));

    private static Gen<byte[]> Bytes()
    {
        var value = Gen.Frequency((3, Gen.Choose(0, 255).Select(b => (byte)b)), (1, Gen.Elements<byte>(0x00, 0xFF, 0x7F, 0x80)));
        return Gen.Choose(1, 16).SelectMany(n => value.ArrayOf(n));
    }
}
