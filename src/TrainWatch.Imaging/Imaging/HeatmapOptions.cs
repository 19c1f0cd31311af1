namespace TrainWatch.Imaging;

/// <summary>How <see cref="Heatmap"/> sizes and colours a matrix.</summary>
public sealed record HeatmapOptions
{
    /// <summary>The defaults: signed values on the diverging map, at most 1024 px a side.</summary>
    public static HeatmapOptions Default { get; } = new();

    /// <summary>The longest a side may be in pixels; larger matrices are average-pooled in blocks to fit.</summary>
    public int MaxSize { get; init; } = 1024;

    /// <summary>Small matrices are upscaled (nearest neighbour, whole factors) until each side is at least this, within <see cref="MaxSize"/>.</summary>
    public int MinSize { get; init; } = 256;

    /// <summary>The colour map: <see cref="ColorMap.Diverging"/> so the sign of a weight reads as its colour.</summary>
    public ColorMap ColorMap { get; init; } = ColorMap.Diverging;

    /// <summary>Symmetric by default, so zero lands on the diverging map's white centre.</summary>
    public NormalizationMode Normalization { get; init; } = NormalizationMode.Symmetric;
}
