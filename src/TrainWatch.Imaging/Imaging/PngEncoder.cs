using System.Numerics;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace TrainWatch.Imaging;

/// <summary>Encodes raw 8-bit pixel buffers as PNG with SkiaSharp.</summary>
public static class PngEncoder
{
    // Why zlib level 3 with the Sub filter: monitoring images are written every few hundred steps on a shared writer
    // thread, where Skia's default (level 6, all filters) is several times slower for files only a little smaller.
    // PNG stays lossless either way.
    private static readonly SKPngEncoderOptions s_fastPng = new(SKPngEncoderFilterFlags.Sub, zLibLevel: 3);

    /// <summary>Encodes <paramref name="pixels"/> (rows top to bottom, no padding) as a PNG.</summary>
    /// <exception cref="ArgumentException">The buffer does not match the size and format.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format)
    {
        Validate(pixels.Length, width, height, format);
        return Encode(pixels, null, width, height, format);
    }

    /// <summary>
    /// As <see cref="Encode(ReadOnlySpan{byte}, int, int, PixelFormat)"/> for pixels the caller holds in an array that
    /// nothing writes to meanwhile: Gray8 and RGBA are read from it in place (pinned), not copied first — a history
    /// picture is ~0.5 MB, so a copy of each is a large-object-heap array and, over a few hundred pictures, full
    /// collections on the training thread.
    /// </summary>
    internal static byte[] EncodeArray(byte[] pixels, int width, int height, PixelFormat format) =>
        EncodeArray(pixels, pixels.Length, width, height, format);

    /// <summary>As above, for an image in the first <paramref name="length"/> bytes of <paramref name="pixels"/>.</summary>
    internal static byte[] EncodeArray(byte[] pixels, int length, int width, int height, PixelFormat format)
    {
        Validate(length, width, height, format);
        return Encode(pixels.AsSpan(0, length), pixels, width, height, format);
    }

    // pinned: the array to hand Skia as it is (Gray8, RGBA), or null to copy from pixels.
    private static byte[] Encode(ReadOnlySpan<byte> pixels, byte[]? pinned, int width, int height, PixelFormat format)
    {
        byte[] buffer;
        SKColorType colorType;
        SKAlphaType alphaType;
        switch (format)
        {
            case PixelFormat.Gray8:
                buffer = pinned ?? pixels.ToArray();
                colorType = SKColorType.Gray8;
                alphaType = SKAlphaType.Opaque;
                break;
            case PixelFormat.Rgb24:
                buffer = ExpandRgbToRgba(pixels, width * height);
                colorType = SKColorType.Rgba8888;
                alphaType = SKAlphaType.Opaque;
                break;
            default:
                buffer = pinned ?? pixels.ToArray();
                colorType = SKColorType.Rgba8888;

                // Skia writes an opaque image as RGB, a quarter less data to filter and deflate: our pictures are
                // opaque, and a noisy 256×256 weight heat map encoded in 5.4 instead of 9.2 ms, 12 % smaller. Decoded,
                // its alpha is 255 everywhere, as it was.
                alphaType = IsOpaque(pixels) ? SKAlphaType.Opaque : SKAlphaType.Unpremul;
                break;
        }

        var info = new SKImageInfo(width, height, colorType, alphaType);
        var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(s_fastPng)
                ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width}x{height} {format} image as PNG.");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Checks that a buffer of <paramref name="length"/> bytes holds a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    /// <exception cref="ArgumentException">It does not.</exception>
    public static void Validate(int length, int width, int height, PixelFormat format)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"An image needs a positive size (got {width}x{height}).");
        }

        long expected = (long)width * height * format.BytesPerPixel();
        if (length != expected)
        {
            throw new ArgumentException($"A {width}x{height} {format} image needs {expected} bytes, the buffer has {length}.");
        }
    }

    /// <summary>Whether every pixel of RGBA bytes has alpha 255 (a vector of pixels at a time).</summary>
    internal static bool IsOpaque(ReadOnlySpan<byte> rgba)
    {
        // Little-endian: the alpha byte is the top byte of each pixel read as a 32-bit integer.
        var pixels = MemoryMarshal.Cast<byte, uint>(rgba);
        const uint Alpha = 0xFF000000;
        var alpha = new Vector<uint>(Alpha);
        int i = 0;
        if (BitConverter.IsLittleEndian)
        {
            for (; pixels.Length - i >= Vector<uint>.Count; i += Vector<uint>.Count)
            {
                if (!Vector.EqualsAll(new Vector<uint>(pixels[i..]) & alpha, alpha))
                {
                    return false;
                }
            }
        }

        for (int p = i * 4; p < rgba.Length; p += 4)
        {
            if (rgba[p + 3] != 255)
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] ExpandRgbToRgba(ReadOnlySpan<byte> rgb, int pixelCount)
    {
        var rgba = new byte[pixelCount * 4];
        for (int p = 0, s = 0, d = 0; p < pixelCount; p++, s += 3, d += 4)
        {
            rgba[d] = rgb[s];
            rgba[d + 1] = rgb[s + 1];
            rgba[d + 2] = rgb[s + 2];
            rgba[d + 3] = 255;
        }

        return rgba;
    }
}
