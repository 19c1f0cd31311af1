using System.Runtime.InteropServices;
using SkiaSharp;

namespace TrainWatch.Imaging;

/// <summary>
/// Draws short text labels onto an <see cref="RgbaImage"/>: with SkiaSharp's default typeface when the machine has a
/// font, otherwise with <see cref="BitmapFont"/>, so labels render on headless servers and bare containers alike.
/// All labels of an image are drawn through one canvas over the image's own buffer (no per-pixel calls).
/// </summary>
internal static class LabelPainter
{
    private const float SystemTextSize = 10f;

    private static readonly Lazy<bool> s_systemFontWorks = new(ProbeSystemFont);

    /// <summary>Whether labels are drawn with a system font here (false: the built-in bitmap font).</summary>
    public static bool UsesSystemFont => s_systemFontWorks.Value;

    /// <summary>Height of the strip a label needs, including a pixel of margin above and below.</summary>
    public static int LineHeight(bool systemFont) => systemFont ? 12 : BitmapFont.Height + 2;

    /// <summary>Draws every label inside its box (text clipped to the box).</summary>
    public static void Draw(RgbaImage image, IReadOnlyList<LabelBox> labels, Rgba colour, bool systemFont)
    {
        if (labels.Count == 0)
        {
            return;
        }

        if (!systemFont)
        {
            foreach (var label in labels)
            {
                BitmapFont.Draw(image, label.Text, label.X + 1, label.Y + 1, label.Width - 1, colour);
            }

            return;
        }

        // Why Premul: Skia's raster canvas cannot draw into unpremultiplied pixels; our pictures are opaque, where
        // premultiplied and straight alpha are the same bytes.
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var handle = GCHandle.Alloc(image.PixelArray, GCHandleType.Pinned);
        try
        {
            using var bitmap = new SKBitmap();
            bitmap.InstallPixels(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var canvas = new SKCanvas(bitmap);
            using var paint = new SKPaint
            {
                Color = new SKColor(colour.R, colour.G, colour.B, colour.A),
                TextSize = SystemTextSize,
                IsAntialias = true,
                Typeface = SKTypeface.Default,
            };
            foreach (var label in labels)
            {
                canvas.Save();
                canvas.ClipRect(SKRect.Create(label.X, label.Y, label.Width, label.Height));
                canvas.DrawText(label.Text, label.X + 1, label.Y + SystemTextSize, paint);
                canvas.Restore();
            }

            canvas.Flush();
        }
        finally
        {
            handle.Free();
        }
    }

    private static bool ProbeSystemFont()
    {
        try
        {
            using var font = new SKFont(SKTypeface.Default, SystemTextSize);
            return SKTypeface.Default.GlyphCount > 0 && font.ContainsGlyphs("0123456789ABCXYZabcxyz._");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>A label and the box it must stay inside, in image pixels.</summary>
internal readonly record struct LabelBox(string Text, int X, int Y, int Width, int Height);
