namespace TrainWatch.Cli.Rendering;

/// <summary>One training scalar of both runs, as the HTML report charts it (A against B).</summary>
/// <param name="Chart">What it is: <c>loss</c>, <c>lr</c> or <c>grad_norm</c> (the chart's <c>data-chart</c>).</param>
/// <param name="Title">The chart's title.</param>
/// <param name="Tag">The scalar's tag.</param>
/// <param name="A">Run A's values (finite, downsampled).</param>
/// <param name="B">Run B's values.</param>
/// <param name="OnsetStep">Where B leaves A, as the text report says it; null when it does not.</param>
internal sealed record TrainingCurve(string Chart, string Title, string Tag, IReadOnlyList<KeyValuePair<long, double>> A, IReadOnlyList<KeyValuePair<long, double>> B, long? OnsetStep)
{
    /// <summary>Whether every value is positive, so a log axis can draw it (a loss or norm spanning decades).</summary>
    public bool AllPositive => A.Concat(B).All(p => p.Value > 0);
}
