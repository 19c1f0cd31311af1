using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>What a headline scalar measures; the dashboard lists them in this order.</summary>
internal enum HeadlineKind
{
    /// <summary>The training loss.</summary>
    Loss,

    /// <summary>The norm of all gradients together.</summary>
    GradientNorm,

    /// <summary>A learning rate (one per parameter group).</summary>
    LearningRate,

    /// <summary>Training speed.</summary>
    StepsPerSecond,

    /// <summary>A held-out metric or an accuracy.</summary>
    EvalMetric,
}

/// <summary>One scalar the dashboard shows first: its label, its tag and its recent values.</summary>
/// <param name="Kind">What it measures.</param>
/// <param name="Label">A short name for an 80-column screen.</param>
/// <param name="Tag">The tag it was read from.</param>
/// <param name="Points">Its recent values, oldest first (the last one is the latest).</param>
internal sealed record HeadlineScalar(HeadlineKind Kind, string Label, string Tag, IReadOnlyList<ScalarPoint> Points);
