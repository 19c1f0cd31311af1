using TrainWatch.Imaging;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// Saliency or Grad-CAM over the probe images: one <see cref="Overlay"/> per probe input, side by side in one picture.
/// Built from host arrays, in the writer's deferred builder.
/// </summary>
internal static class OverlayStrip
{
    /// <summary>Pixels of background between and around the images.</summary>
    public const int Padding = 2;

    private static readonly Rgba s_background = new(30, 30, 46);

    /// <summary>
    /// Blends <paramref name="count"/> heat maps <c>[count, h, w]</c> in [0, 1] over images <c>[count, h, w, 3]</c> in
    /// [0, 1] and lays the results out left to right.
    /// </summary>
    public static RgbaImage Render(float[] images, float[] heat, int count, int height, int width, OverlayOptions options)
    {
        int imageLength = height * width;
        int stripWidth = (count * (width + Padding)) + Padding, stripHeight = height + (2 * Padding);
        var pixels = new byte[stripWidth * stripHeight * 4];
        FillBackground(pixels);
        for (int n = 0; n < count; n++)
        {
            var blended = Overlay.Blend(
                images.AsSpan(n * imageLength * 3, imageLength * 3), height, width,
                heat.AsSpan(n * imageLength, imageLength), height, width, options);
            var (x, y) = Origin(n, width);
            for (int row = 0; row < height; row++)
            {
                blended.Pixels.Slice(row * width * 4, width * 4)
                    .CopyTo(pixels.AsSpan((((y + row) * stripWidth) + x) * 4, width * 4));
            }
        }

        return RgbaImage.FromPixels(pixels, stripWidth, stripHeight);
    }

    /// <summary>The top-left pixel of image <paramref name="index"/> in the strip.</summary>
    public static (int X, int Y) Origin(int index, int width) => (Padding + (index * (width + Padding)), Padding);

    private static void FillBackground(Span<byte> pixels)
    {
        for (int i = 0; i < pixels.Length; i += 4)
        {
            pixels[i] = s_background.R;
            pixels[i + 1] = s_background.G;
            pixels[i + 2] = s_background.B;
            pixels[i + 3] = s_background.A;
        }
    }
}
