using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TrainWatch.Records;

/// <summary>
/// CRC32C (Castagnoli), the checksum TFRecord framing uses, and TensorFlow's "masked" form of it.
/// </summary>
/// <remarks>
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> compiles to the SSE4.2 / ARMv8 CRC instruction where the CPU has
/// one and falls back to a table in the runtime otherwise, so this stays correct everywhere and fast where it matters.
/// </remarks>
public static class Crc32C
{
    private const uint MaskDelta = 0xa282ead8;

    /// <summary>Computes the CRC32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC32C computed over earlier bytes with <paramref name="data"/>.</summary>
    // On every scalar's path: compiled fully optimised from the first call (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }

    /// <summary>
    /// TensorFlow masks stored CRCs (rotate right by 15, add a constant) because a CRC of data that itself
    /// contains CRCs is weak; readers unmask before comparing.
    /// </summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary>The masked CRC32C of <paramref name="data"/>, as stored in TFRecord framing.</summary>
    public static uint ComputeMasked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
