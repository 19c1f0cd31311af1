using System.Buffers.Binary;

namespace TrainWatch.Summaries;

/// <summary>The size and colour layout of a PNG, read from its IHDR chunk without decoding it.</summary>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="Colorspace">TensorBoard's colour space code: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.</param>
public readonly record struct PngHeader(int Width, int Height, int Colorspace)
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Reads the header of <paramref name="png"/>.</summary>
    /// <exception cref="ArgumentException">The bytes are not a PNG.</exception>
    public static PngHeader Read(ReadOnlySpan<byte> png)
    {
        // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), bit depth (1), colour type (1).
        if (png.Length < 26 || !png[..8].SequenceEqual(Signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            throw new ArgumentException("The image bytes are not a PNG (no PNG signature and IHDR chunk).", nameof(png));
        }

        int width = BinaryPrimitives.ReadInt32BigEndian(png.Slice(16, 4));
        int height = BinaryPrimitives.ReadInt32BigEndian(png.Slice(20, 4));
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"The PNG has an invalid size {width}x{height}.", nameof(png));
        }

        int colorspace = png[25] switch
        {
            0 => 1, // grayscale
            4 => 2, // grayscale + alpha
            6 => 4, // RGBA
            _ => 3, // RGB and palette
        };
        return new PngHeader(width, height, colorspace);
    }
}
