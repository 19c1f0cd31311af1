namespace TrainWatch.Imaging;

/// <summary>
/// Lays a heat map (Grad-CAM, saliency) over an RGB image: the heat values, in [0, 1], are resized to the image,
/// coloured, and alpha-blended. Images are height×width×3, channels last (permute a CHW tensor on the device before the
/// host copy). Heat values outside [0, 1] are clamped; NaN and ±∞ show as the colour map's NaN colour.
/// </summary>
public static class Overlay
{
    /// <summary>Blends over an image of floats in [0, 1] (clamped; NaN counts as 0).</summary>
    /// <exception cref="ArgumentException">A size is not positive or does not match its buffer, or alpha is outside [0, 1].</exception>
    public static RgbaImage Blend(ReadOnlySpan<float> rgb, int height, int width, ReadOnlySpan<float> heat, int heatHeight, int heatWidth, OverlayOptions? options = null)
    {
        CheckImage(rgb.Length, height, width);
        var bytes = new byte[rgb.Length];
        for (int i = 0; i < rgb.Length; i++)
        {
            float v = rgb[i];
            bytes[i] = float.IsNaN(v) ? (byte)0 : (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);
        }

        return Blend(bytes, height, width, heat, heatHeight, heatWidth, options);
    }

    /// <summary>Blends over an image of bytes.</summary>
    /// <exception cref="ArgumentException">A size is not positive or does not match its buffer, or alpha is outside [0, 1].</exception>
    public static RgbaImage Blend(ReadOnlySpan<byte> rgb, int height, int width, ReadOnlySpan<float> heat, int heatHeight, int heatWidth, OverlayOptions? options = null)
    {
        options ??= OverlayOptions.Default;
        CheckImage(rgb.Length, height, width);
        if (!(options.Alpha is >= 0f and <= 1f))
        {
            throw new ArgumentException($"Alpha must be in [0, 1], got {options.Alpha}.", nameof(options));
        }

        float[] resized = Resize(heat, heatHeight, heatWidth, height, width, options.Resampling);
        var heatColours = new byte[resized.Length * 4];
        options.ColorMap.MapInto(resized, heatColours);

        var image = new RgbaImage(width, height, Rgba.Black);
        Span<byte> pixels = image.WritablePixels;
        float alpha = options.Alpha, keep = 1f - alpha;
        for (int p = 0; p < resized.Length; p++)
        {
            for (int channel = 0; channel < 3; channel++)
            {
                float blended = (keep * rgb[(p * 3) + channel]) + (alpha * heatColours[(p * 4) + channel]);
                pixels[(p * 4) + channel] = (byte)MathF.Round(blended);
            }
        }

        return image;
    }

    /// <summary>Resizes a row-major heat map to <paramref name="targetHeight"/>×<paramref name="targetWidth"/>.</summary>
    /// <exception cref="ArgumentException">A size is not positive or does not match the values.</exception>
    public static float[] Resize(ReadOnlySpan<float> source, int sourceHeight, int sourceWidth, int targetHeight, int targetWidth, HeatResampling resampling)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        if (source.Length != (long)sourceHeight * sourceWidth)
        {
            throw new ArgumentException($"A {sourceHeight}x{sourceWidth} heat map needs {(long)sourceHeight * sourceWidth} values, got {source.Length}.", nameof(source));
        }

        var target = new float[targetHeight * targetWidth];
        float rowRatio = sourceHeight / (float)targetHeight, columnRatio = sourceWidth / (float)targetWidth;
        for (int y = 0; y < targetHeight; y++)
        {
            var (y0, y1, fy) = SamplePosition(y, rowRatio, sourceHeight, resampling);
            for (int x = 0; x < targetWidth; x++)
            {
                var (x0, x1, fx) = SamplePosition(x, columnRatio, sourceWidth, resampling);
                float top = Lerp(source[(y0 * sourceWidth) + x0], source[(y0 * sourceWidth) + x1], fx);
                float bottom = Lerp(source[(y1 * sourceWidth) + x0], source[(y1 * sourceWidth) + x1], fx);
                target[(y * targetWidth) + x] = Lerp(top, bottom, fy);
            }
        }

        return target;
    }

    /// <summary>The two source cells around a target pixel's centre and the weight of the second; nearest uses one cell.</summary>
    private static (int First, int Second, float Weight) SamplePosition(int target, float ratio, int sourceLength, HeatResampling resampling)
    {
        float centre = ((target + 0.5f) * ratio) - 0.5f;
        if (resampling == HeatResampling.Nearest)
        {
            int nearest = Math.Clamp((int)MathF.Floor((target + 0.5f) * ratio), 0, sourceLength - 1);
            return (nearest, nearest, 0f);
        }

        centre = Math.Clamp(centre, 0f, sourceLength - 1);
        int first = (int)MathF.Floor(centre);
        int second = Math.Min(first + 1, sourceLength - 1);
        return (first, second, centre - first);
    }

    // Why the explicit zero-weight case: a + (b - a)·0 is NaN when b is NaN, which would smear one NaN cell sideways.
    private static float Lerp(float a, float b, float weight) => weight == 0f ? a : a + ((b - a) * weight);

    private static void CheckImage(int length, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (length != (long)height * width * 3)
        {
            throw new ArgumentException($"A {height}x{width} RGB image needs {(long)height * width * 3} values, got {length}.", "rgb");
        }
    }
}
