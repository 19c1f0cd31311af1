namespace TrainWatch.Summaries;

/// <summary>
/// What a histogram reports besides its counts, for one stretch of values: min and max (IEEE 754-2019 order, so −0 is
/// below +0, as <see cref="Math.Min(double, double)"/>), the sum and the sum of squares in double precision, and how
/// many values were finite, NaN, +∞ and −∞.
/// </summary>
internal readonly record struct ValueStatistics(
    double Min,
    double Max,
    double Sum,
    double SumOfSquares,
    long Finite,
    long NaN,
    long PositiveInfinity,
    long NegativeInfinity)
{
    /// <summary>No values yet: min +∞ and max −∞, so the first finite value replaces both.</summary>
    public static ValueStatistics Empty { get; } = new(double.PositiveInfinity, double.NegativeInfinity, 0, 0, 0, 0, 0, 0);

    public NonFiniteCounts NonFinite => new(NaN, PositiveInfinity, NegativeInfinity);

    /// <summary>The statistics of this stretch followed by <paramref name="next"/>.</summary>
    public ValueStatistics Then(in ValueStatistics next) => new(
        Math.Min(Min, next.Min),
        Math.Max(Max, next.Max),
        Sum + next.Sum,
        SumOfSquares + next.SumOfSquares,
        Finite + next.Finite,
        NaN + next.NaN,
        PositiveInfinity + next.PositiveInfinity,
        NegativeInfinity + next.NegativeInfinity);
}
