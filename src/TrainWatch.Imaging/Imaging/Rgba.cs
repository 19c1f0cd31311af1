namespace TrainWatch.Imaging;

/// <summary>An 8-bit colour with straight (not premultiplied) alpha.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
/// <param name="A">Alpha; 255 is opaque.</param>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    /// <summary>Opaque black.</summary>
    public static Rgba Black => new(0, 0, 0);

    /// <summary>Opaque white.</summary>
    public static Rgba White => new(255, 255, 255);

    /// <summary>Opaque pure red: the marker for dead tiles.</summary>
    public static Rgba Red => new(255, 0, 0);

    /// <summary>Opaque magenta: the colour of NaN and ±∞, chosen because no colour map here produces it.</summary>
    public static Rgba Magenta => new(255, 0, 255);

    /// <summary>An opaque colour from a 24-bit <c>0xRRGGBB</c> value, as colours are written in CSS or matplotlib.</summary>
    public static Rgba FromHex(uint rgb) => new((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);

    /// <inheritdoc/>
    public override string ToString() => $"#{R:X2}{G:X2}{B:X2}{A:X2}";
}
