namespace TrainWatch.Cli.Reading;

/// <summary>One scalar value.</summary>
/// <param name="Step">The training step.</param>
/// <param name="WallTime">Unix seconds.</param>
/// <param name="Value">The value (stored as written: float32 for <c>simple_value</c>, widened to double).</param>
internal readonly record struct ScalarPoint(long Step, double WallTime, double Value);

/// <summary>One histogram.</summary>
/// <param name="Step">The training step.</param>
/// <param name="WallTime">Unix seconds.</param>
/// <param name="Histogram">The buckets and moments.</param>
internal readonly record struct HistogramPoint(long Step, double WallTime, BucketHistogram Histogram);

/// <summary>One text value (markdown).</summary>
/// <param name="Step">The training step.</param>
/// <param name="WallTime">Unix seconds.</param>
/// <param name="Text">The text.</param>
internal readonly record struct TextPoint(long Step, double WallTime, string Text);
