namespace TrainWatch.Imaging;

/// <summary>
/// Draws a matrix (for example a fully connected layer's <c>[out, in]</c> weights) as a heat map, one cell per
/// element. Matrices longer than <see cref="HeatmapOptions.MaxSize"/> on a side are average-pooled in blocks first;
/// small ones are upscaled so single cells are visible. Each axis is sized on its own, so a 10×5000 matrix becomes a
/// readable picture rather than a 1-pixel line; cells may therefore be drawn as rectangles.
/// </summary>
public static class Heatmap
{
    /// <summary>Renders a row-major <paramref name="rows"/>×<paramref name="columns"/> matrix.</summary>
    /// <exception cref="ArgumentException">The sizes are not positive or do not match the values, or an option is out of range.</exception>
    public static RgbaImage Render(ReadOnlySpan<float> matrix, int rows, int columns, HeatmapOptions? options = null)
    {
        options ??= HeatmapOptions.Default;
        var (cells, layout) = ToCells(matrix, rows, columns, options);
        return RenderCells(cells, layout, options);
    }

    /// <summary>The pooling blocks and upscaling factors <see cref="Render"/> uses for a matrix of this size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or <see cref="HeatmapOptions.MaxSize"/> is not positive.</exception>
    public static HeatmapLayout Plan(int rows, int columns, HeatmapOptions? options = null)
    {
        options ??= HeatmapOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSize, "options.MaxSize");
        var (rowBlock, pooledRows, rowScale) = PlanAxis(rows, options);
        var (columnBlock, pooledColumns, columnScale) = PlanAxis(columns, options);
        return new HeatmapLayout(rowBlock, columnBlock, pooledRows, pooledColumns, rowScale, columnScale);
    }

    /// <summary>
    /// The first, size-reducing half of <see cref="Render"/>: a private copy of the matrix, average-pooled if it is
    /// larger than the limit. Split out so the writer can do it on the caller's thread (the result is at most
    /// MaxSize² values, whatever the matrix) and leave colouring and encoding to its own thread.
    /// </summary>
    internal static (float[] Cells, HeatmapLayout Layout) ToCells(ReadOnlySpan<float> matrix, int rows, int columns, HeatmapOptions options)
    {
        Validate(matrix.Length, rows, columns);
        var layout = Plan(rows, columns, options);
        float[] cells = layout.RowBlock == 1 && layout.ColumnBlock == 1
            ? matrix.ToArray()
            : AveragePool(matrix, rows, columns, layout.RowBlock, layout.ColumnBlock);
        return (cells, layout);
    }

    /// <summary>The second half of <see cref="Render"/>: normalises the cells in place, colours and upscales them.</summary>
    internal static RgbaImage RenderCells(float[] cells, HeatmapLayout layout, HeatmapOptions options)
    {
        if (options.Normalization == NormalizationMode.Symmetric)
        {
            Normalization.Symmetric(cells, cells);
        }
        else
        {
            Normalization.MinMax(cells, cells);
        }

        var colours = new byte[cells.Length * 4];
        options.ColorMap.MapInto(cells, colours);
        return Upscale(colours, layout);
    }

    /// <summary>
    /// Averages <paramref name="rowBlock"/>×<paramref name="columnBlock"/> blocks (the last ones may be smaller). A block
    /// holding NaN or ±∞ averages to a non-finite value, so broken weights stay visible after pooling.
    /// </summary>
    internal static float[] AveragePool(ReadOnlySpan<float> matrix, int rows, int columns, int rowBlock, int columnBlock)
    {
        int pooledRows = (rows + rowBlock - 1) / rowBlock;
        int pooledColumns = (columns + columnBlock - 1) / columnBlock;
        var sums = new double[pooledColumns];
        var pooled = new float[pooledRows * pooledColumns];
        for (int pr = 0; pr < pooledRows; pr++)
        {
            Array.Clear(sums);
            int firstRow = pr * rowBlock, rowCount = Math.Min(rowBlock, rows - firstRow);
            for (int r = firstRow; r < firstRow + rowCount; r++)
            {
                ReadOnlySpan<float> row = matrix.Slice(r * columns, columns);
                for (int pc = 0, c = 0; pc < pooledColumns; pc++)
                {
                    int end = Math.Min(c + columnBlock, columns);
                    double sum = 0;
                    for (; c < end; c++)
                    {
                        sum += row[c];
                    }

                    sums[pc] += sum;
                }
            }

            for (int pc = 0; pc < pooledColumns; pc++)
            {
                int columnCount = Math.Min(columnBlock, columns - (pc * columnBlock));
                pooled[(pr * pooledColumns) + pc] = (float)(sums[pc] / (rowCount * columnCount));
            }
        }

        return pooled;
    }

    private static (int Block, int Pooled, int Scale) PlanAxis(int length, HeatmapOptions options)
    {
        int block = (length + options.MaxSize - 1) / options.MaxSize;
        int pooled = (length + block - 1) / block;
        int wanted = (options.MinSize + pooled - 1) / pooled;
        int scale = Math.Clamp(wanted, 1, Math.Max(1, options.MaxSize / pooled));
        return (block, pooled, scale);
    }

    private static RgbaImage Upscale(byte[] colours, HeatmapLayout layout)
    {
        var image = new RgbaImage(layout.Width, layout.Height, Rgba.Black);
        Span<byte> pixels = image.WritablePixels;
        int rowBytes = layout.Width * 4;
        for (int r = 0; r < layout.PooledRows; r++)
        {
            Span<byte> target = pixels.Slice(r * layout.RowScale * rowBytes, rowBytes);
            ReadOnlySpan<byte> source = colours.AsSpan(r * layout.PooledColumns * 4, layout.PooledColumns * 4);
            for (int c = 0; c < layout.PooledColumns; c++)
            {
                for (int repeat = 0; repeat < layout.ColumnScale; repeat++)
                {
                    source.Slice(c * 4, 4).CopyTo(target.Slice(((c * layout.ColumnScale) + repeat) * 4, 4));
                }
            }

            for (int repeat = 1; repeat < layout.RowScale; repeat++)
            {
                target.CopyTo(pixels.Slice(((r * layout.RowScale) + repeat) * rowBytes, rowBytes));
            }
        }

        return image;
    }

    private static void Validate(int length, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (length != (long)rows * columns)
        {
            throw new ArgumentException($"A {rows}x{columns} matrix needs {(long)rows * columns} values, got {length}.", "matrix");
        }
    }
}
