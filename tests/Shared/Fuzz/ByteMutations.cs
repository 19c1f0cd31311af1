namespace TrainWatch.Testing.Fuzz;

// Damage that knows nothing about records: what a bad disk, a bad copy or a bad editor does.

/// <summary>XORs the byte at <paramref name="At"/> with <paramref name="Mask"/> (flips those bits).</summary>
public sealed record FlipBits(long At, byte Mask) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        var copy = bytes.ToArray();
        if (At < copy.Length)
        {
            copy[At] ^= Mask;
        }

        return copy;
    }

    public override IEnumerable<FileMutation> Shrink() =>
        System.Numerics.BitOperations.PopCount(Mask) > 1
            ? Enumerable.Range(0, 8).Where(bit => (Mask & (1 << bit)) != 0).Select(bit => new FlipBits(At, (byte)(1 << bit)))
            : [];

    public override string ToString() => $"new FlipBits(At: {At}, Mask: 0x{Mask:X2})";
}

/// <summary>Writes <paramref name="Bytes"/> over the file from <paramref name="At"/> on (what fits).</summary>
public sealed record Overwrite(long At, byte[] Bytes) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        var copy = bytes.ToArray();
        int at = Clamp(At, copy.Length);
        Bytes.AsSpan(0, Math.Min(Bytes.Length, copy.Length - at)).CopyTo(copy.AsSpan(at));
        return copy;
    }

    public override IEnumerable<FileMutation> Shrink() => Shorter(Bytes).Select(b => new Overwrite(At, b));

    public override string ToString() => $"new Overwrite(At: {At}, Bytes: {Literal(Bytes)})";
}

/// <summary>Fills <paramref name="Count"/> bytes from <paramref name="At"/> with zeros (a sparse or unflushed page).</summary>
public sealed record ZeroFill(long At, int Count) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        var copy = bytes.ToArray();
        int at = Clamp(At, copy.Length);
        copy.AsSpan(at, Math.Min(Count, copy.Length - at)).Clear();
        return copy;
    }

    public override IEnumerable<FileMutation> Shrink() => Smaller(Count).Select(c => new ZeroFill(At, c));

    public override string ToString() => $"new ZeroFill(At: {At}, Count: {Count})";
}

/// <summary>Inserts <paramref name="Bytes"/> before the byte at <paramref name="At"/>.</summary>
public sealed record Insert(long At, byte[] Bytes) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        int at = Clamp(At, bytes.Length);
        return [.. bytes.AsSpan(0, at), .. Bytes, .. bytes.AsSpan(at)];
    }

    public override IEnumerable<FileMutation> Shrink() => Shorter(Bytes).Select(b => new Insert(At, b));

    public override string ToString() => $"new Insert(At: {At}, Bytes: {Literal(Bytes)})";
}

/// <summary>Removes <paramref name="Count"/> bytes from <paramref name="At"/> on.</summary>
public sealed record Delete(long At, int Count) : FileMutation
{
    public override byte[] Apply(byte[] bytes)
    {
        int at = Clamp(At, bytes.Length);
        int end = Clamp(at + (long)Count, bytes.Length);
        return [.. bytes.AsSpan(0, at), .. bytes.AsSpan(end)];
    }

    public override IEnumerable<FileMutation> Shrink() => Smaller(Count).Select(c => new Delete(At, c));

    public override string ToString() => $"new Delete(At: {At}, Count: {Count})";
}

/// <summary>Keeps only the first <paramref name="Length"/> bytes (a crash, a full disk, a copy cut short).</summary>
public sealed record Truncate(long Length) : FileMutation
{
    public override byte[] Apply(byte[] bytes) => bytes[..Clamp(Length, bytes.Length)];

    public override string ToString() => $"new Truncate(Length: {Length})";
}
