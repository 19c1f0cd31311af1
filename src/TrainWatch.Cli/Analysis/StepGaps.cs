namespace TrainWatch.Cli.Analysis;

/// <summary>
/// How often each spacing between consecutive steps occurs, over any number of step series. Why counts: the sampling
/// interval is the median spacing over every compared step, and a tag's report series may be thinned
/// (<see cref="DiffOptions.MaxPointsPerTag"/>) before the interval is taken; a regular grid is a single entry here.
/// </summary>
internal sealed class StepGaps
{
    private readonly SortedDictionary<long, long> _counts = [];

    /// <summary>How many spacings were counted.</summary>
    public long Count { get; private set; }

    /// <summary>Counts the spacings of <paramref name="sortedSteps"/>.</summary>
    public void Add(IReadOnlyList<long> sortedSteps)
    {
        for (int i = 1; i < sortedSteps.Count; i++)
        {
            long gap = sortedSteps[i] - sortedSteps[i - 1];
            _counts[gap] = _counts.GetValueOrDefault(gap) + 1;
            Count++;
        }
    }

    /// <summary>Counts the spacings <paramref name="other"/> counted.</summary>
    public void Add(StepGaps other)
    {
        foreach (var (gap, count) in other._counts)
        {
            _counts[gap] = _counts.GetValueOrDefault(gap) + count;
            Count += count;
        }
    }

    /// <summary>
    /// The spacing at position Count / 2 of all spacings sorted (the upper median, as sorting the list would give), or
    /// null when there are none.
    /// </summary>
    public long? Median()
    {
        long target = Count / 2, seen = 0;
        foreach (var (gap, count) in _counts)
        {
            seen += count;
            if (seen > target)
            {
                return gap;
            }
        }

        return null;
    }
}
