using System.Globalization;

namespace TrainWatch.Imaging;

/// <summary>
/// A key under a colour-mapped picture: the map as a horizontal bar from its lowest to its highest colour, with the
/// values at both ends and the middle (for a signed picture on the diverging map: <c>-0.42</c>, <c>0</c>, <c>+0.42</c>).
/// Without it a viewer cannot tell a kernel's sign or compare two layers' scales. Labels use the built-in bitmap font.
/// </summary>
public static class ColorKey
{
    private const int Gap = 4;
    private const int BarHeight = 8;
    // Room for three labels of up to seven characters side by side ("-1.2E-5", "0", "+1.2E-5").
    private const int MinBarWidth = 176;
    private const int MaxBarWidth = 240;
    private const int Margin = 4;
    private static readonly Rgba s_labelColour = new(220, 220, 220);

    /// <summary>Pixels the key adds below a picture.</summary>
    public static int Height => Gap + BarHeight + 2 + BitmapFont.Height + 2;

    /// <summary>The size of a picture of <paramref name="width"/>×<paramref name="height"/> with the key below it.</summary>
    public static (int Width, int Height) SizeBelow(int width, int height) => (Math.Max(width, MinBarWidth + (2 * Margin)), height + Height);

    /// <summary>The text of a signed bound: <c>+0.42</c>, <c>-1.3E-05</c>.</summary>
    public static string Signed(double value, char sign) =>
        sign + Math.Abs(value).ToString(Math.Abs(value) is >= 1e-3 and < 1e4 or 0 ? "0.###" : "0.0E0", CultureInfo.InvariantCulture);

    /// <summary>Copies <paramref name="picture"/> onto a taller image and draws the key for <paramref name="map"/> below it.</summary>
    public static RgbaImage Below(RgbaImage picture, ColorMap map, string low, string middle, string high, Rgba background)
    {
        ArgumentNullException.ThrowIfNull(picture);
        ArgumentNullException.ThrowIfNull(map);
        var (width, height) = SizeBelow(picture.Width, picture.Height);
        var image = new RgbaImage(width, height, background);
        int rowBytes = picture.Width * 4;
        for (int y = 0; y < picture.Height; y++)
        {
            picture.Pixels.Slice(y * rowBytes, rowBytes).CopyTo(image.WritablePixels.Slice(y * width * 4, rowBytes));
        }

        int barWidth = Math.Clamp(width - (2 * Margin), MinBarWidth, MaxBarWidth);
        int barTop = picture.Height + Gap;
        for (int x = 0; x < barWidth; x++)
        {
            image.FillRectangle(Margin + x, barTop, 1, BarHeight, map.Map(x / (float)(barWidth - 1)));
        }

        int textY = barTop + BarHeight + 2;
        BitmapFont.Draw(image, low, Margin, textY, low.Length * BitmapFont.Advance, s_labelColour);
        int middleWidth = middle.Length * BitmapFont.Advance;
        BitmapFont.Draw(image, middle, Margin + ((barWidth - middleWidth) / 2), textY, middleWidth, s_labelColour);
        int highWidth = high.Length * BitmapFont.Advance;
        BitmapFont.Draw(image, high, Margin + barWidth - highWidth, textY, highWidth, s_labelColour);
        return image;
    }
}
