namespace TrainWatch.Imaging;

/// <summary>
/// A rendered picture: 8-bit RGBA pixels, rows top to bottom, no row padding. Read-only to its users, so the writer
/// can encode it later on its own thread without copying.
/// </summary>
public sealed class RgbaImage
{
    private readonly byte[] _pixels;

    internal RgbaImage(int width, int height, Rgba fill)
        : this(width, height, fill, reuse: null)
    {
    }

    /// <summary>An image drawn into <paramref name="reuse"/> when it is large enough (its bytes past the image unused).</summary>
    /// <remarks>
    /// For a renderer that draws many pictures in a row and encodes each before drawing the next: a picture of a few
    /// hundred kilobytes is a large-object-heap array, and one per picture made a full collection every few pictures.
    /// </remarks>
    internal RgbaImage(int width, int height, Rgba fill, byte[]? reuse)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"An image needs a positive size (got {width}x{height}).");
        }

        if ((long)width * height * 4 > Array.MaxLength)
        {
            throw new ArgumentException($"A {width}x{height} image is too large to hold in memory.");
        }

        Width = width;
        Height = height;
        _pixels = reuse is not null && reuse.Length >= width * height * 4 ? reuse : new byte[width * height * 4];
        FillRectangle(0, 0, width, height, fill);
    }

    /// <summary>Copies caller-made RGBA pixels (rows top to bottom, no padding) into an image.</summary>
    /// <exception cref="ArgumentException">The buffer does not hold exactly <c>width × height × 4</c> bytes.</exception>
    public static RgbaImage FromPixels(ReadOnlySpan<byte> rgba, int width, int height)
    {
        PngEncoder.Validate(rgba.Length, width, height, PixelFormat.Rgba32);
        var image = new RgbaImage(width, height, Rgba.Black);
        rgba.CopyTo(image._pixels);
        return image;
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>The pixels: <c>Width × Height × 4</c> bytes, R, G, B, A per pixel.</summary>
    public ReadOnlySpan<byte> Pixels => WritablePixels;

    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public Rgba this[int x, int y]
    {
        get
        {
            int offset = Offset(x, y);
            return new Rgba(_pixels[offset], _pixels[offset + 1], _pixels[offset + 2], _pixels[offset + 3]);
        }
    }

    /// <summary>Encodes the image as an RGBA PNG.</summary>
    public byte[] EncodePng() => PngEncoder.EncodeArray(_pixels, Width * Height * 4, Width, Height, PixelFormat.Rgba32);

    /// <summary>The buffer itself, for the renderers in this assembly that write rows in bulk.</summary>
    internal Span<byte> WritablePixels => _pixels.AsSpan(0, Width * Height * 4);

    /// <summary>The array behind the pixels (it may be longer than them: see the constructor that reuses one).</summary>
    internal byte[] PixelArray => _pixels;

    internal int Offset(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside the {Width}x{Height} image.");
        }

        return ((y * Width) + x) * 4;
    }

    /// <summary>Fills a rectangle, clipped to the image.</summary>
    internal void FillRectangle(int x, int y, int width, int height, Rgba colour)
    {
        int left = Math.Max(0, x), top = Math.Max(0, y);
        int right = Math.Min(Width, x + width), bottom = Math.Min(Height, y + height);
        if (left >= right || top >= bottom)
        {
            return;
        }

        // Why: fill the first row pixel by pixel, then copy it down; the other rows are a single block copy each.
        Span<byte> firstRow = _pixels.AsSpan(Offset(left, top), (right - left) * 4);
        for (int i = 0; i < firstRow.Length; i += 4)
        {
            firstRow[i] = colour.R;
            firstRow[i + 1] = colour.G;
            firstRow[i + 2] = colour.B;
            firstRow[i + 3] = colour.A;
        }

        for (int row = top + 1; row < bottom; row++)
        {
            firstRow.CopyTo(_pixels.AsSpan(Offset(left, row), firstRow.Length));
        }
    }

    /// <summary>Sets one pixel if it lies inside the image (markers may run over the edge).</summary>
    internal void SetPixelClipped(int x, int y, Rgba colour)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            int offset = ((y * Width) + x) * 4;
            _pixels[offset] = colour.R;
            _pixels[offset + 1] = colour.G;
            _pixels[offset + 2] = colour.B;
            _pixels[offset + 3] = colour.A;
        }
    }

    /// <summary>
    /// Copies a small RGBA block (<paramref name="blockWidth"/> pixels per row) to (<paramref name="x"/>, <paramref name="y"/>),
    /// repeating every source pixel <paramref name="scale"/>×<paramref name="scale"/> times (nearest-neighbour upscaling).
    /// </summary>
    internal void DrawScaledBlock(ReadOnlySpan<byte> block, int blockWidth, int blockHeight, int x, int y, int scale)
    {
        int rowBytes = blockWidth * scale * 4;
        for (int sourceRow = 0; sourceRow < blockHeight; sourceRow++)
        {
            int targetY = y + (sourceRow * scale);
            Span<byte> target = _pixels.AsSpan(Offset(x, targetY), rowBytes);
            ReadOnlySpan<byte> source = block.Slice(sourceRow * blockWidth * 4, blockWidth * 4);
            if (scale == 1)
            {
                source.CopyTo(target);
            }
            else
            {
                for (int column = 0; column < blockWidth; column++)
                {
                    ReadOnlySpan<byte> pixel = source.Slice(column * 4, 4);
                    for (int repeat = 0; repeat < scale; repeat++)
                    {
                        pixel.CopyTo(target.Slice(((column * scale) + repeat) * 4, 4));
                    }
                }
            }

            // The other scale-1 rows of this source row are identical: copy the finished row down.
            for (int repeat = 1; repeat < scale; repeat++)
            {
                target.CopyTo(_pixels.AsSpan(Offset(x, targetY + repeat), rowBytes));
            }
        }
    }
}
