using TrainWatch.Summaries;

namespace TrainWatch.Imaging;

/// <summary>
/// Logs rendered pictures through a <see cref="SummaryWriter"/>. The caller's thread only checks arguments and keeps
/// the (already copied or immutable) input; rendering and PNG encoding run on the writer's background thread.
/// </summary>
public static class SummaryWriterImageExtensions
{
    /// <summary>Logs a raw 8-bit image (rows top to bottom); it is encoded as PNG on the writer thread.</summary>
    /// <exception cref="ArgumentException">The buffer does not match the size and format.</exception>
    public static void AddImage(this SummaryWriter writer, string tag, ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, long step)
    {
        ArgumentNullException.ThrowIfNull(writer);
        string checkedTag = SummaryTag.Validate(tag);
        PngEncoder.Validate(pixels.Length, width, height, format);
        byte[] copy = pixels.ToArray();
        writer.AddDeferred(step, () => ImageSummary.Build(checkedTag, PngEncoder.EncodeArray(copy, width, height, format)), copy.Length);
    }

    /// <summary>Logs a rendered image; it is encoded as PNG on the writer thread.</summary>
    public static void AddImage(this SummaryWriter writer, string tag, RgbaImage image, long step)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(image);
        string checkedTag = SummaryTag.Validate(tag);
        writer.AddDeferred(step, () => ImageSummary.Build(checkedTag, image.EncodePng()), image.Pixels.Length);
    }

    /// <summary>Logs a tile grid (kernels, activation maps); it is drawn and encoded on the writer thread.</summary>
    public static void AddImageGrid(this SummaryWriter writer, string tag, TileGrid grid, long step)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(grid);
        string checkedTag = SummaryTag.Validate(tag);
        writer.AddDeferred(step, () => ImageSummary.Build(checkedTag, grid.EncodePng()), (long)grid.Width * grid.Height * 4);
    }

    /// <summary>
    /// Logs a row-major matrix as a signed heat map (see <see cref="Heatmap"/>). A matrix over the size limit is
    /// average-pooled right away (so the queue holds at most MaxSize² values, not the whole matrix); a smaller one is
    /// copied. Colouring and encoding happen on the writer thread.
    /// </summary>
    /// <exception cref="ArgumentException">The sizes do not match the values.</exception>
    public static void AddHeatmap(this SummaryWriter writer, string tag, ReadOnlySpan<float> matrix, int rows, int columns, long step, HeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        string checkedTag = SummaryTag.Validate(tag);
        var settings = options ?? HeatmapOptions.Default;
        var (cells, layout) = Heatmap.ToCells(matrix, rows, columns, settings);
        writer.AddDeferred(step, () => ImageSummary.Build(checkedTag, Heatmap.RenderCells(cells, layout, settings).EncodePng()), cells.Length * 4L);
    }
}
