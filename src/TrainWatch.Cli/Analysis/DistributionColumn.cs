using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// One column of the HTML report's distribution chart: a histogram's range and the quantiles its bands are drawn from.
/// Kept instead of the histogram so a report needs a few numbers per drawn step, not the buckets of every step.
/// </summary>
/// <param name="Step">The training step.</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
/// <param name="Quantiles">The quantiles at <see cref="Probabilities"/>, in that order.</param>
internal sealed record DistributionColumn(long Step, double Min, double Max, double[] Quantiles)
{
    /// <summary>
    /// TensorBoard's distribution bands: min–max, ~±1.5σ, ~±1σ, ~±0.5σ around the median (in normal-quantile terms).
    /// </summary>
    public static readonly (double Low, double High, double Opacity)[] Bands =
        [(0.0, 1.0, 0.15), (0.0668, 0.9332, 0.25), (0.1587, 0.8413, 0.35), (0.3085, 0.6915, 0.45)];

    /// <summary>The median, drawn as a line over the bands.</summary>
    public const double Median = 0.5;

    /// <summary>Every probability a chart asks for: the bands' edges and the median.</summary>
    public static readonly double[] Probabilities = [.. Bands.SelectMany(b => new[] { b.Low, b.High }), Median];

    /// <summary>The column of <paramref name="histogram"/> at <paramref name="step"/>.</summary>
    public static DistributionColumn Of(long step, BucketHistogram histogram) =>
        new(step, histogram.Min, histogram.Max, [.. Probabilities.Select(histogram.Quantile)]);

    /// <summary>The quantile at <paramref name="probability"/>, one of <see cref="Probabilities"/>.</summary>
    public double Quantile(double probability) => Quantiles[Array.IndexOf(Probabilities, probability)];
}
