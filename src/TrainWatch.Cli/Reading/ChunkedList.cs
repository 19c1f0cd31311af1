namespace TrainWatch.Cli.Reading;

/// <summary>
/// An append-only list stored in fixed-size chunks. Why not <see cref="List{T}"/>: a list doubles its array as it grows,
/// so a series of a million values can hold twice the memory it needs and briefly three times while copying; here the
/// waste is at most one chunk per list, and no array reaches the large-object heap.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class ChunkedList<T> : IReadOnlyList<T>
{
    // 1,024 elements of up to 48 bytes stay below the 85,000-byte large-object threshold.
    private const int ChunkShift = 10;
    private const int ChunkLength = 1 << ChunkShift;

    private readonly List<T[]> _chunks = [];

    /// <inheritdoc/>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _chunks[index >> ChunkShift][index & (ChunkLength - 1)];
        }
    }

    /// <summary>Appends <paramref name="item"/>.</summary>
    public void Add(T item)
    {
        int within = Count & (ChunkLength - 1);
        if (within == 0)
        {
            // A short series (the usual case for a tag with a few values) gets a short first chunk.
            _chunks.Add(new T[Count == 0 ? 16 : ChunkLength]);
        }
        else if (Count < ChunkLength && within == _chunks[0].Length)
        {
            var first = _chunks[0];
            Array.Resize(ref first, Math.Min(ChunkLength, within * 4));
            _chunks[0] = first;
        }

        _chunks[Count >> ChunkShift][within] = item;
        Count++;
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return _chunks[i >> ChunkShift][i & (ChunkLength - 1)];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
