namespace TrainWatch.Imaging;

/// <summary>
/// The sprite image of TensorBoard's embedding projector: N thumbnails of equal size, row-major in a square grid of
/// ⌈√N⌉ × ⌈√N⌉ cells, no padding, unused cells black. Thumbnail <c>i</c> sits at row <c>i / Columns</c>, column
/// <c>i % Columns</c>, which is how the projector finds the picture of data point <c>i</c>.
/// </summary>
public sealed class SpriteSheet
{
    /// <summary>The largest sprite image the projector loads, per side.</summary>
    public const int MaxSize = 8192;

    private SpriteSheet(RgbaImage image, int count, int columns, int singleImageHeight, int singleImageWidth)
    {
        Image = image;
        Count = count;
        Columns = columns;
        SingleImageHeight = singleImageHeight;
        SingleImageWidth = singleImageWidth;
    }

    /// <summary>The sprite picture.</summary>
    public RgbaImage Image { get; }

    /// <summary>Number of thumbnails.</summary>
    public int Count { get; }

    /// <summary>Cells per row and per column.</summary>
    public int Columns { get; }

    /// <summary>Height of one thumbnail, in pixels.</summary>
    public int SingleImageHeight { get; }

    /// <summary>Width of one thumbnail, in pixels. The projector config lists it first: <c>single_image_dim: [width, height]</c>.</summary>
    public int SingleImageWidth { get; }

    /// <summary>
    /// Lays out <paramref name="count"/> RGB thumbnails, each <paramref name="height"/>×<paramref name="width"/>×3 bytes
    /// (channels last), one after another.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, the bytes do not match, or the sprite would exceed <see cref="MaxSize"/>.</exception>
    public static SpriteSheet Build(ReadOnlySpan<byte> thumbnails, int count, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long thumbnailBytes = (long)height * width * 3;
        if (thumbnails.Length != count * thumbnailBytes)
        {
            throw new ArgumentException($"{count} RGB thumbnails of {height}x{width} need {count * thumbnailBytes} bytes, got {thumbnails.Length}.", nameof(thumbnails));
        }

        int columns = (int)Math.Ceiling(Math.Sqrt(count));
        if ((long)columns * Math.Max(height, width) > MaxSize)
        {
            throw new ArgumentException($"A sprite of {count} thumbnails of {height}x{width} would be larger than the projector's {MaxSize}x{MaxSize}; use smaller thumbnails.", nameof(thumbnails));
        }

        var image = new RgbaImage(columns * width, columns * height, Rgba.Black);
        var cell = new byte[height * width * 4];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> rgb = thumbnails.Slice((int)(i * thumbnailBytes), (int)thumbnailBytes);
            for (int p = 0; p < height * width; p++)
            {
                cell[p * 4] = rgb[p * 3];
                cell[(p * 4) + 1] = rgb[(p * 3) + 1];
                cell[(p * 4) + 2] = rgb[(p * 3) + 2];
                cell[(p * 4) + 3] = 255;
            }

            image.DrawScaledBlock(cell, width, height, (i % columns) * width, i / columns * height, scale: 1);
        }

        return new SpriteSheet(image, count, columns, height, width);
    }

    /// <summary>The sprite as PNG, the file the projector config's <c>sprite.image_path</c> points at.</summary>
    public byte[] EncodePng() => Image.EncodePng();
}
