using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>Everything <c>diff</c> found, ranked: the most divergent tag first.</summary>
internal sealed class DiffResult
{
    /// <summary>Run A as read.</summary>
    public required RunData RunA { get; init; }

    /// <summary>Run B as read.</summary>
    public required RunData RunB { get; init; }

    /// <summary>The settings used.</summary>
    public required DiffOptions Options { get; init; }

    /// <summary>
    /// Tags both runs have: the diverging ones in <see cref="DivergenceOrder"/> (earliest onset first, ties within one
    /// sampling interval by how far B departs from A), then the others by max distance.
    /// </summary>
    public required IReadOnlyList<TagComparison> Ranked { get; init; }

    /// <summary>Histogram tags only run A has.</summary>
    public required IReadOnlyList<string> TagsOnlyInA { get; init; }

    /// <summary>Histogram tags only run B has.</summary>
    public required IReadOnlyList<string> TagsOnlyInB { get; init; }

    /// <summary>Explanations about alignment: differing step grids, tags without common steps.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The sampling interval the onsets are judged in (median spacing of the compared steps).</summary>
    public required long Interval { get; init; }

    /// <summary>Every layer of the root-cause analysis, in run A's order.</summary>
    public required IReadOnlyList<LayerDivergence> Layers { get; init; }

    /// <summary>The layers whose gradient norm diverged, the cause first.</summary>
    public required IReadOnlyList<LayerDivergence> DivergingLayers { get; init; }

    /// <summary>The verdict, or null when nothing diverged.</summary>
    public RootCause? RootCause { get; init; }

    /// <summary>Runs that turned NaN/Inf (B first; A too when the reference itself diverged).</summary>
    public required IReadOnlyList<NonFiniteFinding> NonFinite { get; init; }

    /// <summary>Learning rates, loss and global gradient norm compared.</summary>
    public required ScalarComparison Scalars { get; init; }

    /// <summary>Whether anything differs: a tag over the threshold or exploding, a diverging norm or scalar, NaN/Inf.</summary>
    public bool HasFindings => Ranked.Any(t => t.IsFlagged) || RootCause is not null || NonFinite.Count > 0 || Scalars.HasFindings;
}
