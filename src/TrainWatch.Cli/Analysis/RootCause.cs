namespace TrainWatch.Cli.Analysis;

/// <summary>What kind of thing the verdict blames.</summary>
internal enum RootCauseKind
{
    /// <summary>A layer's gradient norm left run A's first (explosion or collapse).</summary>
    Layer,

    /// <summary>Run B's learning rate differed from A's before any layer diverged.</summary>
    LearningRate,

    /// <summary>No norm diverged; the earliest histogram tag whose distribution crossed the distance threshold.</summary>
    Distribution,
}

/// <summary>The verdict: the earliest series to diverge, and why diff believes it.</summary>
/// <param name="Kind">What is blamed.</param>
/// <param name="Tag">The series (<c>grad_norm/fc1.weight</c>, <c>grads/fc1.weight</c>, <c>train/lr</c>, a histogram tag).</param>
/// <param name="Layer">The layer: the blamed one, or for a learning-rate cause the first layer to diverge after it (null if none).</param>
/// <param name="OnsetStep">Where it starts.</param>
/// <param name="Evidence">Sentences with the numbers behind the verdict.</param>
internal sealed record RootCause(RootCauseKind Kind, string Tag, string? Layer, long OnsetStep, IReadOnlyList<string> Evidence)
{
    /// <summary>The kind as written in JSON.</summary>
    public string KindName => Kind switch
    {
        RootCauseKind.Layer => "layer",
        RootCauseKind.LearningRate => "learning_rate",
        _ => "distribution",
    };
}
