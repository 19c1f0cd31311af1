namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Which points the HTML report draws. Decided while the runs are read, so a diff keeps a chart's few hundred points
/// per series instead of every step of it.
/// </summary>
internal static class ChartSampling
{
    // Why downsample: 100 tags × 1,000 steps of bands would make a 20 MB page; 300 columns is more than a chart shows.
    public const int MaxColumns = 300;

    /// <summary>Which of <paramref name="count"/> points a chart draws: evenly spaced, always the first and the last.</summary>
    public static List<int> DownsampleIndices(int count)
    {
        if (count <= MaxColumns)
        {
            return Enumerable.Range(0, count).ToList();
        }

        return Enumerable.Range(0, MaxColumns).Select(i => (int)Math.Round(i * (count - 1) / (double)(MaxColumns - 1))).Distinct().ToList();
    }

    /// <summary>
    /// The points of a norm chart: only finite, positive norms can be drawn on a log axis (where B is NaN its line simply
    /// ends), then downsampled.
    /// </summary>
    public static List<KeyValuePair<long, double>> NormChart(SortedList<long, double> values)
    {
        var drawable = values.Where(p => double.IsFinite(p.Value) && p.Value > 0).ToList();
        return DownsampleIndices(drawable.Count).Select(i => drawable[i]).ToList();
    }
}
