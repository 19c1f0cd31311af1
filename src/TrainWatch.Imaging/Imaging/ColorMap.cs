using System.Runtime.InteropServices;

namespace TrainWatch.Imaging;

/// <summary>
/// Maps values in [0, 1] to colours through a 256-entry lookup table, built once from a few anchor colours. NaN and ±∞
/// get <see cref="NaNColor"/> (magenta by default), so broken values stand out instead of crashing or hiding.
/// </summary>
/// <example>
/// <code>
/// Rgba c = ColorMap.Viridis.Map(0.5f);
/// ColorMap.Diverging.MapInto(normalised, rgbaBytes);
/// </code>
/// </example>
public sealed class ColorMap
{
    /// <summary>Entries in every table: one per 8-bit level.</summary>
    public const int TableSize = 256;

    private readonly byte[] _table; // TableSize × RGBA

    private ColorMap(string name, byte[] table, Rgba nanColor)
    {
        Name = name;
        _table = table;
        NaNColor = nanColor;
    }

    /// <summary>Perceptually uniform, dark purple (#440154) to yellow (#FDE725), close to matplotlib's viridis.</summary>
    public static ColorMap Viridis { get; } = FromAnchors("viridis", ColorMapAnchors.Viridis);

    /// <summary>
    /// For signed values: dark blue (negative) through exact white (zero) to dark red (positive). The white anchor sits
    /// at table entry 128, the entry <see cref="Map"/> picks for 0.5, so zero after symmetric normalisation is white.
    /// </summary>
    public static ColorMap Diverging { get; } = FromAnchors("diverging", ColorMapAnchors.Diverging);

    /// <summary>Black to white; entry <c>i</c> is gray level <c>i</c>.</summary>
    public static ColorMap Grayscale { get; } = FromAnchors("grayscale", [(0f, Rgba.Black), (1f, Rgba.White)]);

    /// <summary>Black, red, yellow, white (matplotlib's 'hot'): for Grad-CAM and saliency overlays.</summary>
    public static ColorMap Hot { get; } = FromAnchors("hot", ColorMapAnchors.Hot);

    /// <summary>A short name, for logs and labels.</summary>
    public string Name { get; }

    /// <summary>The colour of NaN and ±∞ inputs.</summary>
    public Rgba NaNColor { get; }

    /// <summary>
    /// Builds a map by linear interpolation in RGB between anchors. Positions must run from 0 to 1, increasing.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two anchors, or positions not increasing from 0 to 1.</exception>
    public static ColorMap FromAnchors(string name, IReadOnlyList<(float Position, Rgba Color)> anchors, Rgba? nanColor = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(anchors);
        ValidateAnchors(anchors);
        var table = new byte[TableSize * 4];
        int segment = 0;
        for (int i = 0; i < TableSize; i++)
        {
            float t = i / (float)(TableSize - 1);
            while (segment < anchors.Count - 2 && t > anchors[segment + 1].Position)
            {
                segment++;
            }

            var (p0, c0) = anchors[segment];
            var (p1, c1) = anchors[segment + 1];
            float f = Math.Clamp((t - p0) / (p1 - p0), 0f, 1f);
            table[(i * 4) + 0] = Lerp(c0.R, c1.R, f);
            table[(i * 4) + 1] = Lerp(c0.G, c1.G, f);
            table[(i * 4) + 2] = Lerp(c0.B, c1.B, f);
            table[(i * 4) + 3] = Lerp(c0.A, c1.A, f);
        }

        return new ColorMap(name, table, nanColor ?? Rgba.Magenta);
    }

    /// <summary>The same map with another colour for NaN and ±∞.</summary>
    public ColorMap WithNaNColor(Rgba nanColor) => new(Name, _table, nanColor);

    /// <summary>The table entry for <paramref name="index"/> (0–255).</summary>
    public Rgba this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, TableSize);
            return new Rgba(_table[index * 4], _table[(index * 4) + 1], _table[(index * 4) + 2], _table[(index * 4) + 3]);
        }
    }

    /// <summary>
    /// The colour of <paramref name="t"/>: values outside [0, 1] are clamped, NaN and ±∞ give <see cref="NaNColor"/>.
    /// The entry is <c>round(t × 255)</c>, so 0.5 picks entry 128.
    /// </summary>
    public Rgba Map(float t) => float.IsFinite(t) ? this[IndexOf(t)] : NaNColor;

    /// <summary>
    /// Maps many values at once into <paramref name="rgba"/> (4 bytes per value), with the rules of <see cref="Map"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="rgba"/> is not exactly 4 bytes per value.</exception>
    public void MapInto(ReadOnlySpan<float> normalised, Span<byte> rgba)
    {
        if (rgba.Length != normalised.Length * 4L)
        {
            throw new ArgumentException($"{normalised.Length} values need {normalised.Length * 4L} RGBA bytes, the buffer has {rgba.Length}.", nameof(rgba));
        }

        // Why whole-pixel copies: one 32-bit load and store per value, the same on any endianness because both sides
        // are reinterpreted from RGBA byte order.
        ReadOnlySpan<uint> table = MemoryMarshal.Cast<byte, uint>(_table.AsSpan());
        Span<uint> pixels = MemoryMarshal.Cast<byte, uint>(rgba);
        ReadOnlySpan<byte> nanBytes = [NaNColor.R, NaNColor.G, NaNColor.B, NaNColor.A];
        uint nan = MemoryMarshal.Read<uint>(nanBytes);
        for (int i = 0; i < normalised.Length; i++)
        {
            float t = normalised[i];
            pixels[i] = float.IsFinite(t) ? table[IndexOf(t)] : nan;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static int IndexOf(float t) => (int)MathF.Floor((Math.Clamp(t, 0f, 1f) * (TableSize - 1)) + 0.5f);

    private static byte Lerp(byte a, byte b, float f) => (byte)MathF.Round(a + ((b - a) * f));

    private static void ValidateAnchors(IReadOnlyList<(float Position, Rgba Color)> anchors)
    {
        if (anchors.Count < 2)
        {
            throw new ArgumentException("A colour map needs at least two anchors.", nameof(anchors));
        }

        if (anchors[0].Position != 0f || anchors[^1].Position != 1f)
        {
            throw new ArgumentException("Colour map anchors must start at position 0 and end at position 1.", nameof(anchors));
        }

        for (int i = 1; i < anchors.Count; i++)
        {
            if (!(anchors[i].Position > anchors[i - 1].Position))
            {
                throw new ArgumentException("Colour map anchor positions must increase.", nameof(anchors));
            }
        }
    }
}
