namespace TrainWatch.Summaries;

/// <summary>Values a histogram left out because they are not finite; they never enter min, max or sums.</summary>
/// <param name="NaN">NaN values.</param>
/// <param name="PositiveInfinity">+∞ values.</param>
/// <param name="NegativeInfinity">−∞ values.</param>
public readonly record struct NonFiniteCounts(long NaN, long PositiveInfinity, long NegativeInfinity)
{
    /// <summary>Whether any value was left out.</summary>
    public bool Any => NaN != 0 || PositiveInfinity != 0 || NegativeInfinity != 0;
}
