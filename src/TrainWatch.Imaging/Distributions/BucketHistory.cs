using System.Runtime.CompilerServices;

namespace TrainWatch.Distributions;

/// <summary>
/// Bucket counts of one tensor over the sampled steps, in bounded memory: at most <see cref="MaxColumns"/> columns of
/// <see cref="SamplesPerColumn"/> steps each. When a new step finds every column full, neighbouring columns are merged
/// in pairs and each column holds twice as many steps from then on: older history gets coarser, its counts are kept,
/// and every column still covers the same number of sampled steps, so the x axis stays linear in steps.
/// </summary>
/// <remarks>Not thread-safe: one owner adds and reads.</remarks>
public sealed class BucketHistory
{
    private readonly List<HistoryColumn> _columns = [];

    // Columns a merge emptied, reused by later steps: a watched model keeps a history per layer and adds a column per
    // layer every few samples, and each new array outlived the young generations only to become garbage at the next
    // merge. Once the history has filled, adding allocates nothing.
    private readonly Stack<HistoryColumn> _spare = new();

    /// <summary>An empty history.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No bucket, or <paramref name="maxColumns"/> not an even number of at least 2.</exception>
    public BucketHistory(int buckets, int maxColumns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        if (maxColumns < 2 || maxColumns % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxColumns), maxColumns, "The history needs an even number of columns, at least 2 (they are merged in pairs).");
        }

        Buckets = buckets;
        MaxColumns = maxColumns;
    }

    /// <summary>Buckets per column.</summary>
    public int Buckets { get; }

    /// <summary>The most columns kept.</summary>
    public int MaxColumns { get; }

    /// <summary>Sampled steps per column: 1 until the history first fills, then doubling at each merge.</summary>
    public int SamplesPerColumn { get; private set; } = 1;

    /// <summary>
    /// The columns, oldest first (the last may hold fewer than <see cref="SamplesPerColumn"/> steps). They stay the
    /// history's own: a column read here is valid until the next <see cref="Add"/>, which may fill it further or, after
    /// a merge, reuse it for a later step.
    /// </summary>
    public IReadOnlyList<HistoryColumn> Columns => _columns;

    /// <summary>The last step added, or null before the first.</summary>
    public long? LastStep => _columns.Count == 0 ? null : _columns[^1].LastStep;

    /// <summary>Adds the counts of <paramref name="step"/>; a step not after the last one is ignored (false).</summary>
    /// <exception cref="ArgumentException"><paramref name="counts"/> does not have one count per bucket.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(long step, ReadOnlySpan<double> counts, double nonFinite = 0)
    {
        if (counts.Length != Buckets)
        {
            throw new ArgumentException($"Expected {Buckets} counts, got {counts.Length}.", nameof(counts));
        }

        if (LastStep is { } last && step <= last)
        {
            return false;
        }

        if (_columns.Count > 0 && _columns[^1].Samples < SamplesPerColumn)
        {
            _columns[^1].Absorb(step, counts, nonFinite);
            return true;
        }

        if (_columns.Count == MaxColumns)
        {
            MergePairs();
        }

        _columns.Add(_spare.TryPop(out var spare) ? spare.Restart(step, counts, nonFinite) : new HistoryColumn(step, counts, nonFinite));
        return true;
    }

    private void MergePairs()
    {
        for (int i = 0; i < _columns.Count / 2; i++)
        {
            var merged = _columns[2 * i];
            var absorbed = _columns[(2 * i) + 1];
            merged.Absorb(absorbed);
            _columns[i] = merged;
            _spare.Push(absorbed);
        }

        _columns.RemoveRange(_columns.Count / 2, _columns.Count / 2);
        SamplesPerColumn *= 2;
    }
}
