namespace TrainWatch.Imaging;

/// <summary>The anchor colours the built-in <see cref="ColorMap"/>s are interpolated from.</summary>
internal static class ColorMapAnchors
{
    /// <summary>
    /// Viridis sampled at 11 equally spaced points (0, 0.1, …, 1). Linear RGB interpolation between them stays within a
    /// few levels of matplotlib's 256-entry table, which is all a monitoring picture needs.
    /// </summary>
    public static readonly (float Position, Rgba Color)[] Viridis = EquallySpaced(
        0x440154, 0x482576, 0x414487, 0x35608D, 0x2A788E, 0x21918C, 0x22A884, 0x43BF71, 0x7AD151, 0xBBDF27, 0xFDE725);

    /// <summary>
    /// Blue to red through white (the ColorBrewer RdBu ramp, reversed, with an exact white centre). The centre sits at
    /// 128/255 rather than 0.5 because a 256-entry table has no middle entry: 0.5 rounds to entry 128, which must be
    /// exactly white so that zero weights read as "nothing".
    /// </summary>
    public static readonly (float Position, Rgba Color)[] Diverging = BuildDiverging();

    /// <summary>matplotlib's 'hot': red rises first, then green, then blue, each linearly.</summary>
    public static readonly (float Position, Rgba Color)[] Hot =
    [
        (0f, Rgba.Black),
        (0.365f, Rgba.FromHex(0xFF0000)),
        (0.746f, Rgba.FromHex(0xFFFF00)),
        (1f, Rgba.White),
    ];

    private static (float Position, Rgba Color)[] EquallySpaced(params uint[] colours)
    {
        var anchors = new (float, Rgba)[colours.Length];
        for (int i = 0; i < colours.Length; i++)
        {
            anchors[i] = (i == colours.Length - 1 ? 1f : i / (float)(colours.Length - 1), Rgba.FromHex(colours[i]));
        }

        return anchors;
    }

    private static (float Position, Rgba Color)[] BuildDiverging()
    {
        uint[] negative = [0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0];
        uint[] positive = [0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F];
        const float centre = 128f / 255f;
        var anchors = new List<(float, Rgba)>();
        for (int i = 0; i < negative.Length; i++)
        {
            anchors.Add((centre * i / negative.Length, Rgba.FromHex(negative[i])));
        }

        anchors.Add((centre, Rgba.White));
        for (int i = 0; i < positive.Length; i++)
        {
            float position = i == positive.Length - 1 ? 1f : centre + ((1f - centre) * (i + 1) / positive.Length);
            anchors.Add((position, Rgba.FromHex(positive[i])));
        }

        return [.. anchors];
    }
}
