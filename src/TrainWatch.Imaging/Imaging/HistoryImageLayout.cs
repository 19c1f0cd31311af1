namespace TrainWatch.Imaging;

/// <summary>
/// Where <see cref="HistoryImage"/> puts things: a plot of one pixel block per (column, bucket), highest bucket on top,
/// a strip above it for non-finite counts, value labels on the left, step labels below and a colour bar on the right.
/// </summary>
/// <param name="Buckets">Rows of the plot.</param>
/// <param name="MaxColumns">Columns the history can hold (the image keeps its width while the history fills).</param>
/// <param name="Columns">Columns drawn: they share the plot's whole width.</param>
/// <param name="PlotWidth">The plot's width in pixels.</param>
/// <param name="RowHeight">Pixels per bucket.</param>
/// <param name="PlotLeft">The plot's left edge.</param>
/// <param name="NonFiniteTop">The top of the non-finite strip.</param>
/// <param name="NonFiniteHeight">The strip's height.</param>
/// <param name="PlotTop">The plot's top edge (the top of the highest bucket).</param>
/// <param name="ColourBarLeft">The colour bar's left edge (its labels are to its right).</param>
/// <param name="ColourBarWidth">The colour bar's width.</param>
/// <param name="Width">The image's width.</param>
/// <param name="Height">The image's height.</param>
public sealed record HistoryImageLayout(
    int Buckets, int MaxColumns, int Columns, int PlotWidth, int RowHeight, int PlotLeft, int NonFiniteTop, int NonFiniteHeight,
    int PlotTop, int ColourBarLeft, int ColourBarWidth, int Width, int Height)
{
    /// <summary>The left edge of column <paramref name="column"/>; <c>ColumnX(Columns)</c> is the plot's right edge.</summary>
    public int ColumnX(int column) => PlotLeft + (int)((long)column * PlotWidth / Columns);

    /// <summary>The narrowest column's width (columns differ by at most one pixel).</summary>
    public int ColumnWidth => PlotWidth / Columns;

    /// <summary>The top edge of bucket <paramref name="bucket"/>'s row (bucket 0, the lowest values, is at the bottom).</summary>
    public int BucketY(int bucket) => PlotTop + ((Buckets - 1 - bucket) * RowHeight);

    /// <summary>The plot's bottom edge.</summary>
    public int PlotBottom => PlotTop + (Buckets * RowHeight);
}
