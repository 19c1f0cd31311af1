namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Thins a tag's per-step report series to a bound (<see cref="DiffOptions.MaxPointsPerTag"/>), as TensorBoard keeps a
/// bounded reservoir per tag: evenly spaced steps, always the first and the last, plus the onset and the maximum so the
/// reported series shows what the verdict is based on. Runs within the bound are kept whole.
/// </summary>
internal static class ReportThinning
{
    /// <summary>The indices kept of <paramref name="count"/>, ascending; null to keep all.</summary>
    /// <param name="count">The number of points.</param>
    /// <param name="maxPoints">The bound (0 or less: no bound).</param>
    /// <param name="mustKeep">Indices always kept (null entries ignored).</param>
    public static int[]? Indices(int count, int maxPoints, params int?[] mustKeep)
    {
        if (maxPoints <= 0 || count <= maxPoints)
        {
            return null;
        }

        // Room for the indices that must be kept, so the result never exceeds the bound (but keeps at least 2).
        var extra = mustKeep.OfType<int>().Distinct().ToArray();
        int spaced = Math.Max(2, maxPoints - extra.Length);
        var kept = new SortedSet<int>(extra);
        for (int i = 0; i < spaced; i++)
        {
            kept.Add((int)Math.Round(i * (count - 1) / (double)(spaced - 1)));
        }

        return [.. kept];
    }

    /// <summary>The elements of <paramref name="values"/> at <paramref name="indices"/>, or all of them when null.</summary>
    public static T[] Take<T>(T[] values, int[]? indices) =>
        indices is null ? values : [.. indices.Select(i => values[i])];
}
