using SkiaSharp;
using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

/// <summary>Decodes PNG bytes with SkiaSharp, independently of how they were written, for pixel checks.</summary>
public sealed class DecodedPng : IDisposable
{
    private readonly SKBitmap _bitmap;

    public DecodedPng(byte[] png)
    {
        _bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("SkiaSharp could not decode the PNG.");
    }

    public static DecodedPng Of(RgbaImage image) => new(image.EncodePng());

    public int Width => _bitmap.Width;

    public int Height => _bitmap.Height;

    public Rgba this[int x, int y]
    {
        get
        {
            var c = _bitmap.GetPixel(x, y);
            return new Rgba(c.Red, c.Green, c.Blue, c.Alpha);
        }
    }

    public void Dispose() => _bitmap.Dispose();
}

/// <summary>Colour comparisons with a tolerance per channel.</summary>
public static class ColorAssert
{
    public static void Near(Rgba expected, Rgba actual, int tolerance = 0)
    {
        bool near = Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance
            && Math.Abs(expected.B - actual.B) <= tolerance && Math.Abs(expected.A - actual.A) <= tolerance;
        Assert.True(near, $"expected {expected} (±{tolerance}), got {actual}");
    }
}
