using System.Runtime.InteropServices;
using SkiaSharp;
using TrainWatch.Imaging;
using TrainWatch.Summaries;

namespace TrainWatch.Tests.Imaging;

/// <summary>
/// An opaque RGBA picture is written as an RGB PNG (a quarter less data to encode); one with any translucent pixel
/// keeps its alpha channel. Both decode to exactly the pixels given.
/// </summary>
public class PngEncoderTests
{
    // A width that is not a multiple of any vector's pixel count: the opacity check's tail is exercised too.
    private const int Width = 37;
    private const int Height = 23;

    [Fact]
    public void An_opaque_picture_is_written_as_rgb_and_decodes_to_the_same_pixels()
    {
        byte[] pixels = Noise(seed: 1);

        byte[] png = PngEncoder.Encode(pixels, Width, Height, PixelFormat.Rgba32);

        Assert.Equal(PngColourTypeRgb, png[25]);
        Assert.Equal(3, PngHeader.Read(png).Colorspace);
        AssertDecodesTo(pixels, png);
    }

    [Theory]
    [InlineData(0)] // in the first vector
    [InlineData(Width * Height / 2)]
    [InlineData((Width * Height) - 1)] // in the tail after the last whole vector
    public void One_translucent_pixel_keeps_the_alpha_channel(int translucent)
    {
        byte[] pixels = Noise(seed: 2);
        pixels[(translucent * 4) + 3] = 254;

        byte[] png = PngEncoder.Encode(pixels, Width, Height, PixelFormat.Rgba32);

        Assert.Equal(PngColourTypeRgba, png[25]);
        Assert.Equal(4, PngHeader.Read(png).Colorspace);
        AssertDecodesTo(pixels, png);
    }

    [Fact]
    public void The_opacity_check_reads_every_pixels_alpha_and_nothing_else()
    {
        byte[] pixels = Noise(seed: 3);
        Assert.True(PngEncoder.IsOpaque(pixels));
        for (int p = 0; p < Width * Height; p++)
        {
            pixels[(p * 4) + 3] = 0;
            Assert.False(PngEncoder.IsOpaque(pixels), $"pixel {p}");
            pixels[(p * 4) + 3] = 255;
        }

        Assert.True(PngEncoder.IsOpaque(pixels));
    }

    private const byte PngColourTypeRgb = 2;
    private const byte PngColourTypeRgba = 6;

    // Colour channels anywhere in 0–255 (0 and 255 included, which must not be taken for alpha); alpha 255.
    private static byte[] Noise(int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[Width * Height * 4];
        random.NextBytes(pixels);
        for (int p = 0; p < Width * Height; p++)
        {
            pixels[(p * 4) + 3] = 255;
        }

        return pixels;
    }

    // Decoded by Skia into straight (not premultiplied) RGBA bytes, so that a translucent pixel comes back exactly.
    private static void AssertDecodesTo(byte[] expected, byte[] png)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(png));
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        Assert.Equal((Width, Height), (info.Width, info.Height));
        var decoded = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(decoded, GCHandleType.Pinned);
        try
        {
            Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, handle.AddrOfPinnedObject()));
        }
        finally
        {
            handle.Free();
        }

        Assert.Equal(expected, decoded);
    }
}
