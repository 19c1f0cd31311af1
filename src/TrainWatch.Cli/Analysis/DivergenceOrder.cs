namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Orders diverging series so the one that started it comes first and those it dragged along follow: by onset, but
/// onsets within one sampling interval of the earliest remaining onset are a tie — a weight that blows up in layer k
/// inflates the activations after k and the gradients before k in the same step, so with sampling every N steps the
/// cause and its followers usually show up at the same sampled step. A tie goes to the series whose B departs most
/// from A at that earliest step (|ln(B/A)| above its own baseline): the cause has grown furthest. A caller may put some
/// of the tied items first (for layers: those whose weights had already left A's by then).
/// </summary>
internal static class DivergenceOrder
{
    /// <summary>Orders <paramref name="items"/> that have an onset (the others are left out).</summary>
    /// <param name="items">The candidates.</param>
    /// <param name="onset">Each item's onset step, or null.</param>
    /// <param name="departureAt">How far B departs from A for the item at a step (natural log units).</param>
    /// <param name="interval">The sampling interval (steps between consecutive common samples).</param>
    /// <param name="name">Last tie-break, for a stable order.</param>
    /// <param name="firstAt">Whether an item goes before the others of its tie, judged at the earliest step of the tie.</param>
    public static List<T> Order<T>(IEnumerable<T> items, Func<T, long?> onset, Func<T, long, double> departureAt, long interval, Func<T, string> name, Func<T, long, bool>? firstAt = null)
    {
        var remaining = items.Where(i => onset(i) is not null).OrderBy(i => onset(i)).ThenBy(name, StringComparer.Ordinal).ToList();
        var ordered = new List<T>(remaining.Count);
        while (remaining.Count > 0)
        {
            long first = onset(remaining[0])!.Value;
            var tied = remaining.Where(i => onset(i)!.Value <= first + interval).ToList();
            ordered.AddRange(tied
                .OrderByDescending(i => firstAt?.Invoke(i, first) ?? false)
                .ThenByDescending(i => departureAt(i, first))
                .ThenBy(i => onset(i))
                .ThenBy(name, StringComparer.Ordinal));
            remaining.RemoveAll(tied.Contains);
        }

        return ordered;
    }

    /// <summary>The typical spacing of the steps counted in <paramref name="gaps"/> (their median; 1 when unknown).</summary>
    public static long Interval(StepGaps gaps) => Math.Max(1, gaps.Median() ?? 1);
}
