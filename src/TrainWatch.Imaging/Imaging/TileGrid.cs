namespace TrainWatch.Imaging;

/// <summary>
/// N tiles of <c>Height×Width</c> values — conv kernels, activation maps — laid out in a padded grid. One-channel tiles
/// are coloured through a <see cref="ColorMap"/>; three-channel tiles (first-layer kernels of an RGB network) are shown
/// as RGB. The values are copied at construction, so a grid can be rendered later on the writer's thread.
/// </summary>
/// <remarks>
/// Layout, in pixels, with <c>s</c> the scale, <c>p</c> the padding and <c>L</c> the label strip (0 without labels):
/// <c>Width = Columns × (TileWidth·s + p) + p</c>, <c>Height = Rows × (L + TileHeight·s + p) + p</c>. Tile <c>i</c> is at
/// row <c>i / Columns</c>, column <c>i % Columns</c>.
/// </remarks>
/// <example>
/// <code>
/// // conv1.weight copied to the host as [64, 3, 7, 7]:
/// var grid = new TileGrid(weights, count: 64, channels: 3, height: 7, width: 7);
/// writer.AddImageGrid("conv1/kernels", grid, step);
/// </code>
/// </example>
public sealed class TileGrid
{
    private readonly float[] _values;
    private readonly bool[] _dead;
    private readonly int _labelStrip;
    private readonly bool _systemFont;

    /// <summary>Copies <paramref name="values"/>, laid out <c>[count, channels, height, width]</c> (PyTorch's NCHW order).</summary>
    /// <exception cref="ArgumentException">Sizes are not positive, channels is not 1 or 3, the values do not fill the tiles, or an option is out of range.</exception>
    public TileGrid(ReadOnlySpan<float> values, int count, int channels, int height, int width, TileGridOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"Tiles have 1 (colour-mapped) or 3 (RGB) channels, not {channels}; pick or average channels first.", nameof(channels));
        }

        if (values.Length != (long)count * channels * height * width)
        {
            throw new ArgumentException($"{count} tiles of {channels}x{height}x{width} need {(long)count * channels * height * width} values, got {values.Length}.", nameof(values));
        }

        Options = options ?? TileGridOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(Options.Padding, "options.Padding");
        Count = count;
        Channels = channels;
        TileHeight = height;
        TileWidth = width;
        _values = values.ToArray();
        Columns = Math.Min(count, Options.Columns ?? (int)Math.Ceiling(Math.Sqrt(count)));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Columns, "options.Columns");
        Rows = (count + Columns - 1) / Columns;
        Scale = Options.Scale ?? AutoScale();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Scale, "options.Scale");
        _systemFont = Options.Labels is not null && LabelPainter.UsesSystemFont; // probe fonts only when labels are wanted
        _labelStrip = Options.Labels is null ? 0 : LabelPainter.LineHeight(_systemFont);
        _dead = FindDeadTiles();
        Width = checked((Columns * ((TileWidth * Scale) + Options.Padding)) + Options.Padding);
        Height = checked((Rows * (_labelStrip + (TileHeight * Scale) + Options.Padding)) + Options.Padding);
    }

    /// <summary>Number of tiles.</summary>
    public int Count { get; }

    /// <summary>1 (colour-mapped) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Rows of values per tile.</summary>
    public int TileHeight { get; }

    /// <summary>Values per tile row.</summary>
    public int TileWidth { get; }

    /// <summary>Tiles per grid row.</summary>
    public int Columns { get; }

    /// <summary>Grid rows.</summary>
    public int Rows { get; }

    /// <summary>The upscaling factor in use (given or automatic).</summary>
    public int Scale { get; }

    /// <summary>Width of the rendered image in pixels.</summary>
    public int Width { get; }

    /// <summary>Height of the rendered image in pixels.</summary>
    public int Height { get; }

    /// <summary>The options the grid was made with.</summary>
    public TileGridOptions Options { get; }

    /// <summary>Whether tile <paramref name="index"/> is marked dead (flagged, or all values within the dead threshold).</summary>
    public bool IsDead(int index) => _dead[index];

    /// <summary>The top-left pixel of tile <paramref name="index"/>'s values (below its label, if any).</summary>
    public (int X, int Y) TileOrigin(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int row = index / Columns, column = index % Columns;
        int x = Options.Padding + (column * ((TileWidth * Scale) + Options.Padding));
        int y = Options.Padding + (row * (_labelStrip + (TileHeight * Scale) + Options.Padding)) + _labelStrip;
        return (x, y);
    }

    /// <summary>Draws the grid.</summary>
    public RgbaImage Render()
    {
        var image = new RgbaImage(Width, Height, Options.Background);
        int tileLength = Channels * TileHeight * TileWidth;
        var normalised = new float[_values.Length];
        Normalization.Apply(_values, normalised, tileLength, Options.Normalization, Options.NormalizationScope);
        var tilePixels = new byte[TileHeight * TileWidth * 4];
        var labels = new List<LabelBox>();
        for (int i = 0; i < Count; i++)
        {
            ReadOnlySpan<float> tile = normalised.AsSpan(i * tileLength, tileLength);
            if (Channels == 1)
            {
                Options.ColorMap.MapInto(tile, tilePixels);
            }
            else
            {
                PlanarRgbToRgba(tile, tilePixels, Options.ColorMap.NaNColor);
            }

            var (x, y) = TileOrigin(i);
            image.DrawScaledBlock(tilePixels, TileWidth, TileHeight, x, y, Scale);
            if (_dead[i])
            {
                DeadMarker.Draw(image, x, y, TileWidth * Scale, TileHeight * Scale, Options.DeadMarkerColor);
            }

            if (Options.Labels is { } texts && i < texts.Count && !string.IsNullOrEmpty(texts[i]))
            {
                labels.Add(new LabelBox(texts[i], x, y - _labelStrip, TileWidth * Scale, _labelStrip));
            }
        }

        LabelPainter.Draw(image, labels, Options.LabelColor, _systemFont);
        return image;
    }

    /// <summary>Draws the grid and encodes it as PNG.</summary>
    public byte[] EncodePng() => Render().EncodePng();

    private int AutoScale()
    {
        int contentWidth = Options.MinAutoWidth - (Options.Padding * (Columns + 1));
        int wanted = (int)Math.Ceiling(contentWidth / (double)(Columns * TileWidth));
        return Math.Clamp(wanted, 1, Math.Max(1, Options.MaxAutoScale));
    }

    private bool[] FindDeadTiles()
    {
        var dead = new bool[Count];
        int tileLength = Channels * TileHeight * TileWidth;
        if (Options.DeadThreshold is { } threshold)
        {
            for (int i = 0; i < Count; i++)
            {
                dead[i] = AllWithin(_values.AsSpan(i * tileLength, tileLength), threshold);
            }
        }

        foreach (int index in Options.DeadTiles ?? [])
        {
            if ((uint)index < (uint)Count)
            {
                dead[index] = true;
            }
        }

        return dead;
    }

    private static bool AllWithin(ReadOnlySpan<float> values, float threshold)
    {
        foreach (float v in values)
        {
            // NaN fails this test too, so NaN tiles are not called dead.
            if (!(Math.Abs(v) <= threshold))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Interleaves a normalised [3, h, w] tile into RGBA; a pixel with any non-finite channel gets <paramref name="nanColor"/>.</summary>
    private static void PlanarRgbToRgba(ReadOnlySpan<float> planes, Span<byte> rgba, Rgba nanColor)
    {
        int pixels = planes.Length / 3;
        for (int p = 0; p < pixels; p++)
        {
            float r = planes[p], g = planes[pixels + p], b = planes[(2 * pixels) + p];
            Rgba colour = float.IsFinite(r) && float.IsFinite(g) && float.IsFinite(b)
                ? new Rgba(ToByte(r), ToByte(g), ToByte(b))
                : nanColor;
            rgba[p * 4] = colour.R;
            rgba[(p * 4) + 1] = colour.G;
            rgba[(p * 4) + 2] = colour.B;
            rgba[(p * 4) + 3] = colour.A;
        }
    }

    private static byte ToByte(float unit) => (byte)MathF.Round(Math.Clamp(unit, 0f, 1f) * 255f);
}
