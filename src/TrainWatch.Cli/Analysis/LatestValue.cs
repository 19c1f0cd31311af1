using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>The latest value of one tag of one run, as <c>tail</c> shows it.</summary>
/// <param name="Run">The run.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Kind">Scalar or histogram.</param>
/// <param name="Step">The step of the latest value.</param>
/// <param name="Scalar">The scalar value, for scalars.</param>
/// <param name="Histogram">The histogram, for histograms.</param>
internal sealed record LatestValue(string Run, string Tag, ValueKind Kind, long Step, double Scalar, BucketHistogram? Histogram);
