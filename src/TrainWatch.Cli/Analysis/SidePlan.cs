namespace TrainWatch.Cli.Analysis;

/// <summary>
/// What the second reading takes from one run for one tag: the positions of the histograms to decode (ascending, among
/// every value of the tag as written), and for each whether it is the run's side of a common step (and which), a column
/// of the report's distribution chart (and which), or both.
/// </summary>
internal sealed class SidePlan
{
    private SidePlan(int[] positions, int[]? commonOf, Dictionary<int, int> columnOf, int[] columnIndices)
    {
        Positions = positions;
        _commonOf = commonOf;
        ColumnOf = columnOf;
        ColumnIndices = columnIndices;
    }

    // Null when position i is common step i: then the plan costs no memory of its own (see Create).
    private readonly int[]? _commonOf;

    /// <summary>Positions among all of the tag's values, undecodable ones included, ascending.</summary>
    public int[] Positions { get; }

    /// <summary>The common step position <paramref name="index"/> stands for, or −1.</summary>
    public int CommonOf(int index) => _commonOf is null ? index : _commonOf[index];

    /// <summary>The chart column of the positions that are one (a few hundred at most, so not an array per position).</summary>
    public Dictionary<int, int> ColumnOf { get; }

    /// <summary>For each chart column, the index of its value among the decoded ones.</summary>
    public int[] ColumnIndices { get; }

    /// <summary>The plan for one side of a tag.</summary>
    /// <param name="common">The index (among decoded values) of this run's histogram at each common step.</param>
    /// <param name="chart">The index of this run's histogram at each chart column; empty when no chart is drawn.</param>
    /// <param name="undecodable">Positions of the values the first reading could not decode, ascending (or null).</param>
    public static SidePlan Create(int[] common, int[] chart, IReadOnlyList<int>? undecodable)
    {
        if (SharesCommon(common, chart, undecodable) is { } shared)
        {
            return shared;
        }

        var wanted = new (int Index, int Common, int Column)[common.Length + chart.Length];
        for (int i = 0; i < common.Length; i++)
        {
            wanted[i] = (common[i], i, -1);
        }

        for (int c = 0; c < chart.Length; c++)
        {
            wanted[common.Length + c] = (chart[c], -1, c);
        }

        // Restarts can log earlier steps later in the file: order by where the values are, and merge a value that is
        // both a common step and a chart column.
        Array.Sort(wanted, (x, y) => x.Index.CompareTo(y.Index));
        var indices = new List<int>(wanted.Length);
        var commonOf = new List<int>(wanted.Length);
        var columnOf = new Dictionary<int, int>();
        foreach (var (index, commonIndex, column) in wanted)
        {
            if (indices.Count == 0 || indices[^1] != index)
            {
                indices.Add(index);
                commonOf.Add(-1);
            }

            commonOf[^1] = Math.Max(commonOf[^1], commonIndex);
            if (column >= 0)
            {
                columnOf[indices.Count - 1] = column;
            }
        }

        return new SidePlan(ToPositions(indices, undecodable), [.. commonOf], columnOf, chart);
    }

    // The usual case — every value decoded, no step logged twice out of order, every chart column a common step — in
    // which the common indices already are the positions: the plan reuses that array instead of three of its own.
    private static SidePlan? SharesCommon(int[] common, int[] chart, IReadOnlyList<int>? undecodable)
    {
        if (undecodable is { Count: > 0 })
        {
            return null;
        }

        for (int i = 1; i < common.Length; i++)
        {
            if (common[i] <= common[i - 1])
            {
                return null;
            }
        }

        var columnOf = new Dictionary<int, int>(chart.Length);
        for (int c = 0; c < chart.Length; c++)
        {
            int at = Array.BinarySearch(common, chart[c]);
            if (at < 0)
            {
                return null;
            }

            columnOf[at] = c;
        }

        return new SidePlan(common, null, columnOf, chart);
    }

    // A decoded value's position counts the undecodable values before it too.
    private static int[] ToPositions(List<int> indices, IReadOnlyList<int>? undecodable)
    {
        var positions = new int[indices.Count];
        int skipped = 0;
        for (int i = 0; i < indices.Count; i++)
        {
            int position = indices[i] + skipped;
            while (undecodable is not null && skipped < undecodable.Count && undecodable[skipped] <= position)
            {
                skipped++;
                position = indices[i] + skipped;
            }

            positions[i] = position;
        }

        return positions;
    }
}
