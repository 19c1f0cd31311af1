namespace TrainWatch.Cli.Reading;

/// <summary>
/// Hands out slices of large shared arrays for histogram data. Why: a diff keeps ~200,000 histograms alive; as
/// separate arrays the garbage collector copied them from generation to generation (~0.4 s of pauses per diff), while
/// a few 1 MB chunks live in the large-object heap, are never copied, and hold no references to trace.
/// Not thread-safe: one per run being read.
/// </summary>
internal sealed class HistogramArena
{
    private const int ChunkLength = 128 * 1024;

    private double[] _chunk = [];
    private int _used;

    /// <summary>
    /// Hands the current chunk out again from its start. For a reader that is done with every histogram it decoded so
    /// far (diff's first pass keeps only their stats): one chunk then serves the whole run.
    /// </summary>
    public void Rewind() => _used = 0;

    /// <summary>A slice of <paramref name="length"/> doubles: the array and the slice's offset in it.</summary>
    public (double[] Store, int Offset) Allocate(int length)
    {
        if (length > ChunkLength / 4)
        {
            // A huge histogram gets its own array rather than wasting most of a chunk.
            return (new double[length], 0);
        }

        if (_used + length > _chunk.Length)
        {
            _chunk = new double[ChunkLength];
            _used = 0;
        }

        int offset = _used;
        _used += length;
        return (_chunk, offset);
    }
}
