using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Diff;

/// <summary>Everything <c>diff</c> found, ranked: the most divergent tag first.</summary>
internal sealed class DiffResult
{
    /// <summary>Run A as read.</summary>
    public required RunData RunA { get; init; }

    /// <summary>Run B as read.</summary>
    public required RunData RunB { get; init; }

    /// <summary>The settings used.</summary>
    public required DiffOptions Options { get; init; }

    /// <summary>Tags both runs have, most divergent first (max distance, then earlier onset, then name).</summary>
    public required IReadOnlyList<TagComparison> Ranked { get; init; }

    /// <summary>Histogram tags only run A has.</summary>
    public required IReadOnlyList<string> TagsOnlyInA { get; init; }

    /// <summary>Histogram tags only run B has.</summary>
    public required IReadOnlyList<string> TagsOnlyInB { get; init; }

    /// <summary>Explanations about alignment: differing step grids, tags without common steps.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>Whether any tag crossed the threshold or exploded.</summary>
    public bool HasFindings => Ranked.Any(t => t.IsFlagged);
}
