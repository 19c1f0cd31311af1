namespace TrainWatch.Imaging;

/// <summary>How a matrix becomes a heat-map image: pooling block per axis, pooled size, and upscaling per axis.</summary>
/// <param name="RowBlock">Matrix rows averaged into one cell row.</param>
/// <param name="ColumnBlock">Matrix columns averaged into one cell column.</param>
/// <param name="PooledRows">Cell rows after pooling.</param>
/// <param name="PooledColumns">Cell columns after pooling.</param>
/// <param name="RowScale">Pixels per cell, vertically.</param>
/// <param name="ColumnScale">Pixels per cell, horizontally.</param>
public readonly record struct HeatmapLayout(int RowBlock, int ColumnBlock, int PooledRows, int PooledColumns, int RowScale, int ColumnScale)
{
    /// <summary>Image width in pixels.</summary>
    public int Width => PooledColumns * ColumnScale;

    /// <summary>Image height in pixels.</summary>
    public int Height => PooledRows * RowScale;
}
