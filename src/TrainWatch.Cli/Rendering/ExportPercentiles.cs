namespace TrainWatch.Cli.Rendering;

/// <summary>The percentiles export writes for every histogram (bucket-interpolated).</summary>
internal static class ExportPercentiles
{
    /// <summary>Percent values; column names are <c>p1</c>, <c>p5</c>, ...</summary>
    public static readonly int[] Values = [1, 5, 25, 50, 75, 95, 99];
}
