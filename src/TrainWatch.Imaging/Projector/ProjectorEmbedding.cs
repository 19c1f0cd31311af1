using TrainWatch.Imaging;

namespace TrainWatch.Projector;

/// <summary>One set of points for the embedding projector: plain arrays, no protobuf.</summary>
/// <param name="Name">The name shown in the projector's tensor list (unique within the run).</param>
/// <param name="Values">Row-major <paramref name="Rows"/> × <paramref name="Columns"/> values, one row per point.</param>
/// <param name="Rows">Number of points.</param>
/// <param name="Columns">Dimensions of each point.</param>
public sealed record ProjectorEmbedding(string Name, float[] Values, int Rows, int Columns)
{
    /// <summary>Per-point metadata columns (labels, predictions); each has one value per row. None: no metadata file.</summary>
    public IReadOnlyList<ProjectorMetadataColumn> Metadata { get; init; } = [];

    /// <summary>A thumbnail per point, in row order; null: no sprite.</summary>
    public SpriteSheet? Sprite { get; init; }
}

/// <summary>A metadata column: its header and one value per point.</summary>
/// <param name="Header">The column name; written only when there is more than one column (the projector's rule).</param>
/// <param name="Values">One value per point; tabs and line breaks become spaces.</param>
public sealed record ProjectorMetadataColumn(string Header, IReadOnlyList<string> Values);
