namespace TrainWatch.Imaging;

/// <summary>
/// Where <see cref="HistoryImage"/> puts things: a plot of one pixel block per (column, bucket), highest bucket on top,
/// a strip above it for non-finite counts, value labels on the left and step labels below.
/// </summary>
/// <param name="Buckets">Rows of the plot.</param>
/// <param name="MaxColumns">Columns the plot has room for (the image keeps its width while the history fills).</param>
/// <param name="ColumnWidth">Pixels per column.</param>
/// <param name="RowHeight">Pixels per bucket.</param>
/// <param name="PlotLeft">The plot's left edge.</param>
/// <param name="NonFiniteTop">The top of the non-finite strip.</param>
/// <param name="NonFiniteHeight">The strip's height.</param>
/// <param name="PlotTop">The plot's top edge (the top of the highest bucket).</param>
/// <param name="Width">The image's width.</param>
/// <param name="Height">The image's height.</param>
public sealed record HistoryImageLayout(int Buckets, int MaxColumns, int ColumnWidth, int RowHeight, int PlotLeft, int NonFiniteTop, int NonFiniteHeight, int PlotTop, int Width, int Height)
{
    /// <summary>The left edge of column <paramref name="column"/>.</summary>
    public int ColumnX(int column) => PlotLeft + (column * ColumnWidth);

    /// <summary>The top edge of bucket <paramref name="bucket"/>'s row (bucket 0, the lowest values, is at the bottom).</summary>
    public int BucketY(int bucket) => PlotTop + ((Buckets - 1 - bucket) * RowHeight);

    /// <summary>The plot's bottom edge.</summary>
    public int PlotBottom => PlotTop + (Buckets * RowHeight);
}
