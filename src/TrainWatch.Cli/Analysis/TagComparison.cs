namespace TrainWatch.Cli.Analysis;

/// <summary>How one histogram tag differs between run A and run B, step by common step.</summary>
internal sealed class TagComparison
{
    /// <summary>The tag.</summary>
    public required string Tag { get; init; }

    /// <summary>
    /// The steps both runs logged, ascending; thinned to <see cref="DiffOptions.MaxPointsPerTag"/> evenly spaced ones
    /// (always the first, the last, the onset and the maximum) when there are more.
    /// </summary>
    public required long[] Steps { get; init; }

    /// <summary>How many steps both runs logged (<see cref="Steps"/> may hold fewer).</summary>
    public required int CommonStepCount { get; init; }

    /// <summary>The spacings of all common steps, for the sampling interval.</summary>
    public required StepGaps CommonGaps { get; init; }

    /// <summary>The normalised distance d at each of <see cref="Steps"/> (see <see cref="NormalizedDistance"/>).</summary>
    public required double[] Distances { get; init; }

    /// <summary>norm_B / norm_A at each of <see cref="Steps"/>, norm = sqrt(sum of squares).</summary>
    public required double[] NormRatios { get; init; }

    /// <summary>std_B / std_A at each of <see cref="Steps"/>.</summary>
    public required double[] StdRatios { get; init; }

    /// <summary>The first common step where d exceeds the threshold; null when it never does.</summary>
    public long? OnsetStep { get; init; }

    /// <summary>ln(norm_B / norm_A) per step, with the change-point onset of the norm (see <see cref="ChangePoint"/>).</summary>
    public required LogRatioSeries Norms { get; init; }

    /// <summary>Where the norm of B leaves A's (explosion or collapse); null when it does not.</summary>
    public long? NormOnsetStep => Norms.Onset?.Step;

    /// <summary>The earliest sign of divergence: the norm's onset, else the distance's.</summary>
    public long? DivergenceStep => NormOnsetStep ?? OnsetStep;

    /// <summary>The largest d (0 when there is no common step).</summary>
    public double MaxDistance { get; init; }

    /// <summary>Where the largest d is.</summary>
    public long? MaxDistanceStep { get; init; }

    /// <summary>How run A logged this tag.</summary>
    public required string GridA { get; init; }

    /// <summary>How run B logged this tag.</summary>
    public required string GridB { get; init; }

    /// <summary>Steps only run A logged.</summary>
    public int StepsOnlyInA { get; init; }

    /// <summary>Steps only run B logged.</summary>
    public int StepsOnlyInB { get; init; }

    /// <summary>Exploding norm in run A, if any.</summary>
    public ExplosionFinding? ExplodingInA { get; init; }

    /// <summary>Exploding norm in run B, if any.</summary>
    public ExplosionFinding? ExplodingInB { get; init; }

    /// <summary>Run A's distribution over steps as the HTML report draws it (empty when no report was asked for).</summary>
    public IReadOnlyList<DistributionColumn> ColumnsA { get; init; } = [];

    /// <summary>Run B's.</summary>
    public IReadOnlyList<DistributionColumn> ColumnsB { get; init; } = [];

    /// <summary>Whether the tag crossed the threshold, its norm diverged, or it exploded in either run.</summary>
    public bool IsFlagged => OnsetStep is not null || NormOnsetStep is not null || ExplodingInA is not null || ExplodingInB is not null;
}
