namespace TrainWatch.Distributions;

/// <summary>
/// One column of a <see cref="BucketHistory"/>: the summed bucket counts of one or more consecutive sampled steps.
/// </summary>
public sealed class HistoryColumn
{
    private readonly double[] _counts;

    internal HistoryColumn(long step, ReadOnlySpan<double> counts, double nonFinite)
    {
        _counts = new double[counts.Length];
        Restart(step, counts, nonFinite);
    }

    /// <summary>The first step merged into this column.</summary>
    public long FirstStep { get; private set; }

    /// <summary>The last step merged into this column.</summary>
    public long LastStep { get; private set; }

    /// <summary>How many sampled steps this column sums.</summary>
    public int Samples { get; private set; }

    /// <summary>The summed counts per bucket.</summary>
    public ReadOnlySpan<double> Counts => _counts;

    /// <summary>The summed count of NaN and ±∞ values (they have no bucket).</summary>
    public double NonFinite { get; private set; }

    /// <summary>Counts per sampled step: a merged column is drawn as bright as a single step with the same distribution.</summary>
    public double MeanCount(int bucket) => _counts[bucket] / Samples;

    // This column made anew for one step: at construction, and for a column a merge emptied, reused by its history.
    internal HistoryColumn Restart(long step, ReadOnlySpan<double> counts, double nonFinite)
    {
        FirstStep = step;
        LastStep = step;
        Samples = 1;
        counts.CopyTo(_counts);
        NonFinite = nonFinite;
        return this;
    }

    /// <summary>Adds the next step's counts.</summary>
    internal void Absorb(long step, ReadOnlySpan<double> counts, double nonFinite)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += counts[i];
        }

        NonFinite += nonFinite;
        LastStep = step;
        Samples++;
    }

    /// <summary>Adds the column that follows this one.</summary>
    internal void Absorb(HistoryColumn next)
    {
        Absorb(next.LastStep, next._counts, next.NonFinite);
        Samples += next.Samples - 1;
    }
}
