namespace TrainWatch.Testing.Fuzz;

/// <summary>
/// One way of damaging an event file. Positions are absolute byte offsets chosen against the seed and clamped to the
/// bytes at hand, so any list of mutations applies to any file. <see cref="ToString"/> prints C# that recreates the
/// mutation, so a shrunk counterexample can be pasted into a regression test.
/// </summary>
public abstract record FileMutation
{
    /// <summary>Returns damaged copy of <paramref name="bytes"/>; never changes its argument.</summary>
    public abstract byte[] Apply(byte[] bytes);

    /// <summary>Simpler mutations of the same kind, for FsCheck to try when this one falsifies a property.</summary>
    public virtual IEnumerable<FileMutation> Shrink() => [];

    /// <summary><paramref name="at"/> moved into 0..<paramref name="length"/>.</summary>
    protected static int Clamp(long at, int length) => (int)Math.Clamp(at, 0, length);

    /// <summary><paramref name="bytes"/> as a C# collection expression.</summary>
    protected static string Literal(byte[] bytes) => "[" + string.Join(", ", bytes.Select(b => $"0x{b:X2}")) + "]";

    /// <summary>The shorter byte strings to try when shrinking: the first half, then the first byte.</summary>
    protected static IEnumerable<byte[]> Shorter(byte[] bytes)
    {
        if (bytes.Length > 2)
        {
            yield return bytes[..(bytes.Length / 2)];
        }

        if (bytes.Length > 1)
        {
            yield return bytes[..1];
        }
    }

    /// <summary>The smaller counts to try when shrinking.</summary>
    protected static IEnumerable<int> Smaller(int count)
    {
        if (count > 2)
        {
            yield return count / 2;
        }

        if (count > 1)
        {
            yield return 1;
        }
    }
}
