namespace TrainWatch.Imaging;

/// <summary>How a heat map is resized to the image it is laid over.</summary>
public enum HeatResampling
{
    /// <summary>Each image pixel takes the nearest heat cell: blocky, shows the true resolution of the map.</summary>
    Nearest,

    /// <summary>Bilinear interpolation (pixel centres aligned, as PyTorch's <c>align_corners=False</c>): smooth, as Grad-CAM is usually shown.</summary>
    Bilinear,
}

/// <summary>How <see cref="Overlay"/> blends a heat map over an image.</summary>
public sealed record OverlayOptions
{
    /// <summary>The defaults: half-transparent 'hot' colours, bilinear resizing.</summary>
    public static OverlayOptions Default { get; } = new();

    /// <summary>Weight of the heat colour: 0 shows only the image, 1 only the heat map.</summary>
    public float Alpha { get; init; } = 0.5f;

    /// <summary>The map the heat values (in [0, 1]) are coloured with.</summary>
    public ColorMap ColorMap { get; init; } = ColorMap.Hot;

    /// <summary>How the heat map is resized to the image.</summary>
    public HeatResampling Resampling { get; init; } = HeatResampling.Bilinear;
}
