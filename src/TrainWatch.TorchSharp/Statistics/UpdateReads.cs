namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// The elements of a flattened weight its update ratio reads: runs of <see cref="Run"/> consecutive elements, one
/// starting every <see cref="Period"/> = <see cref="Stride"/> · <see cref="Run"/> elements from the first (the last
/// run cut short by the end of the weight). The snapshot holds them one after another: read element s is element
/// (s / Run) · Period + s % Run of the weight. <see cref="Every"/> reads all of them.
/// </summary>
/// <param name="Stride">k: one run read in every k runs' length.</param>
/// <param name="Run">Consecutive elements per run.</param>
internal readonly record struct UpdateReads(long Stride, long Run)
{
    /// <summary>Every element.</summary>
    public static UpdateReads Every => new(1, 1);

    /// <summary>Elements from the start of one run to the start of the next.</summary>
    public long Period => Stride * Run;

    /// <summary>Whether every element is read.</summary>
    public bool IsEvery => Stride == 1;

    /// <summary>Elements read of a weight of <paramref name="count"/> elements.</summary>
    public long Counted(long count) => ReadsBefore(count);

    /// <summary>
    /// Whether a snapshot of <paramref name="snapshotCount"/> elements holds this layout's reads of a weight of
    /// <paramref name="weightCount"/> elements: checked before any kernel reads the pair, since a weight can change
    /// size after its snapshot.
    /// </summary>
    public bool Matches(long weightCount, long snapshotCount) => Stride >= 1 && Run >= 1 && snapshotCount == Counted(weightCount);

    /// <summary>Whether element <paramref name="index"/> of the weight is read.</summary>
    public bool Reads(long index) => index % Period < Run;

    /// <summary>The weight's element that read element <paramref name="read"/> is.</summary>
    public long ElementOf(long read) => ((read / Run) * Period) + (read % Run);

    /// <summary>How many read elements come before element <paramref name="index"/> of the weight.</summary>
    public long ReadsBefore(long index) => ((index / Period) * Run) + Math.Min(Run, index % Period);
}
