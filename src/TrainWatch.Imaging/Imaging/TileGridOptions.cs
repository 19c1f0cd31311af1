namespace TrainWatch.Imaging;

/// <summary>How a <see cref="TileGrid"/> lays out and colours its tiles. Every property has a usable default.</summary>
public sealed record TileGridOptions
{
    /// <summary>The defaults.</summary>
    public static TileGridOptions Default { get; } = new();

    /// <summary>Tiles per row; <c>null</c> for ⌈√N⌉ (a square-ish grid). At most the tile count is used.</summary>
    public int? Columns { get; init; }

    /// <summary>Pixels of background between tiles and around the grid.</summary>
    public int Padding { get; init; } = 1;

    /// <summary>The colour between tiles: a dark blue-gray that neither the gray nor the viridis map produces.</summary>
    public Rgba Background { get; init; } = new(30, 30, 46);

    /// <summary>
    /// Nearest-neighbour upscaling factor: each tile element becomes a <c>Scale×Scale</c> block. <c>null</c> picks the
    /// smallest factor that makes the grid at least <see cref="MinAutoWidth"/> pixels wide, at most <see cref="MaxAutoScale"/>.
    /// </summary>
    public int? Scale { get; init; }

    /// <summary>The width automatic scaling aims for, so 3×3 kernels are visible.</summary>
    public int MinAutoWidth { get; init; } = 256;

    /// <summary>The largest factor automatic scaling picks.</summary>
    public int MaxAutoScale { get; init; } = 16;

    /// <summary>The map for single-channel tiles (3-channel tiles are shown as RGB).</summary>
    public ColorMap ColorMap { get; init; } = ColorMap.Viridis;

    /// <summary>How values become colour-map positions.</summary>
    public NormalizationMode Normalization { get; init; } = NormalizationMode.MinMax;

    /// <summary>Whether every tile gets its own range or all share one.</summary>
    public NormalizationScope NormalizationScope { get; init; } = NormalizationScope.PerTile;

    /// <summary>Optional text above each tile (index i labels tile i); <c>null</c> for no label strip.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The colour of label text.</summary>
    public Rgba LabelColor { get; init; } = Rgba.White;

    /// <summary>Tiles to mark dead regardless of their values (for example filters whose gradient is always zero).</summary>
    public IReadOnlyCollection<int>? DeadTiles { get; init; }

    /// <summary>
    /// Tiles whose every value has magnitude at most this are marked dead (0: only all-zero tiles, as a dead ReLU map
    /// or a pruned kernel); <c>null</c> marks only <see cref="DeadTiles"/>. Tiles with NaN are never "dead": NaN has its own colour.
    /// </summary>
    public float? DeadThreshold { get; init; } = 0f;

    /// <summary>The colour of the X drawn across dead tiles.</summary>
    public Rgba DeadMarkerColor { get; init; } = Rgba.Red;
}
