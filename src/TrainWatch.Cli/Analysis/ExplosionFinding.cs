namespace TrainWatch.Cli.Analysis;

/// <summary>A tag whose norm grows exponentially (or stops being finite) in one run.</summary>
/// <param name="Run">Which run: "A" or "B".</param>
/// <param name="GrowthFactor">exp(slope × window span): how much the fitted norm multiplies over the window.</param>
/// <param name="FromStep">The window's first step.</param>
/// <param name="ToStep">The window's last step.</param>
/// <param name="NonFiniteStep">The first step where the values were NaN or ±∞ (from the writer's count scalars), if any.</param>
internal sealed record ExplosionFinding(string Run, double GrowthFactor, long FromStep, long ToStep, long? NonFiniteStep)
{
    /// <summary>Where this run's norm leaves the other run's (the change point of the B/A ratio), if it does.</summary>
    public long? OnsetStep { get; init; }

    /// <summary>A table cell's worth: "B ×1.1E+04 over 500..1000", "B NaN/Inf at 640".</summary>
    public string Brief() => NonFiniteStep is { } step
        ? FormattableString.Invariant($"{Run} NaN/Inf at {step}")
        : FormattableString.Invariant($"{Run} ×{GrowthFactor:G3} over {FromStep}..{ToStep}");

    /// <summary>One line for people.</summary>
    public string Describe() => (NonFiniteStep is { } step
        ? $"run {Run}: values turn NaN/Inf at step {step}" + (GrowthFactor > 1 ? $" after norm grew ×{GrowthFactor:G3} over steps {FromStep}..{ToStep}" : string.Empty)
        : $"run {Run}: norm grows exponentially, ×{GrowthFactor:G3} over steps {FromStep}..{ToStep}")
        + (OnsetStep is { } onset ? $"; leaves the other run from step {onset}" : string.Empty);
}
