namespace TrainWatch.Cli.Rendering;

/// <summary>
/// Holds one run's export rows, grouped by kind and tag, until the run has been read: export writes a run's tags in
/// name order, but the event file interleaves them step by step. Rows are kept in memory up to a budget and then moved
/// to a temporary file (deleted when the spool is disposed), so export's memory stays bounded however long the run,
/// while its output is exactly what it was when every value was kept in memory. Not thread-safe: one per run.
/// </summary>
internal sealed class ExportSpool : IDisposable
{
    /// <summary>Rows kept in memory before they go to the temporary file.</summary>
    public const long DefaultMemoryBytes = 8L << 20;

    /// <summary>The rows all spools of one export keep in memory together.</summary>
    public const long TotalMemoryBytes = 16L << 20;

    /// <summary>
    /// The budget of each of <paramref name="runs"/> spools: an export of many runs keeps every spool until the end, so
    /// they share <see cref="TotalMemoryBytes"/> (at most <see cref="DefaultMemoryBytes"/> each, at least 256 KB).
    /// </summary>
    public static long MemoryBytesFor(int runs) => Math.Clamp(TotalMemoryBytes / Math.Max(1, runs), 256L << 10, DefaultMemoryBytes);

    private readonly long _memoryBytes;
    private readonly Dictionary<(bool Histogram, string Tag), Rows> _rows = [];
    private long _buffered;
    private FileStream? _file;

    /// <summary>A spool that moves its rows to disk once more than <paramref name="memoryBytes"/> are held.</summary>
    public ExportSpool(long memoryBytes = DefaultMemoryBytes) => _memoryBytes = memoryBytes;

    /// <summary>Whether no row was added.</summary>
    public bool IsEmpty => _rows.Count == 0;

    /// <summary>Whether any row went to the temporary file.</summary>
    public bool Spilled => _file is not null;

    /// <summary>Adds a row (UTF-8) for a tag; <paramref name="separator"/> goes between it and the tag's previous row.</summary>
    public void Append(bool histogram, string tag, ReadOnlySpan<byte> row, ReadOnlySpan<byte> separator)
    {
        if (!_rows.TryGetValue((histogram, tag), out var rows))
        {
            rows = new Rows();
            _rows[(histogram, tag)] = rows;
        }

        rows.Buffer ??= new MemoryStream();
        if (rows.Any)
        {
            rows.Buffer.Write(separator);
            _buffered += separator.Length;
        }

        rows.Buffer.Write(row);
        _buffered += row.Length;
        rows.Any = true;
        if (_buffered > _memoryBytes)
        {
            Spill();
        }
    }

    /// <summary>The tags with rows of one kind, in ordinal order.</summary>
    public IEnumerable<string> Tags(bool histogram) =>
        _rows.Keys.Where(k => k.Histogram == histogram).Select(k => k.Tag).Order(StringComparer.Ordinal);

    /// <summary>Writes a tag's rows, in the order they were added, to <paramref name="destination"/>.</summary>
    public void CopyTo(bool histogram, string tag, Stream destination)
    {
        var rows = _rows[(histogram, tag)];
        if (rows.Segments.Count > 0)
        {
            var file = _file!;
            var chunk = new byte[1 << 16];
            foreach (var (offset, length) in rows.Segments)
            {
                file.Position = offset;
                for (long left = length; left > 0;)
                {
                    int read = file.Read(chunk, 0, (int)Math.Min(chunk.Length, left));
                    if (read == 0)
                    {
                        throw new IOException($"the export's temporary file '{file.Name}' ended early.");
                    }

                    destination.Write(chunk, 0, read);
                    left -= read;
                }
            }
        }

        rows.Buffer?.WriteTo(destination);
    }

    /// <inheritdoc/>
    public void Dispose() => _file?.Dispose();

    // Every tag's buffered rows to the end of the file, as one segment each; their buffers go too.
    private void Spill()
    {
        _file ??= new FileStream(Path.Combine(Path.GetTempPath(), $"trainwatch-export-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _file.Seek(0, SeekOrigin.End);
        foreach (var rows in _rows.Values)
        {
            if (rows.Buffer is { Length: > 0 } buffer)
            {
                rows.Segments.Add((_file.Position, buffer.Length));
                buffer.WriteTo(_file);
            }

            // Dropped rather than emptied: an emptied stream would keep the capacity it grew to.
            rows.Buffer = null;
        }

        _buffered = 0;
    }

    private sealed class Rows
    {
        public MemoryStream? Buffer { get; set; }

        public bool Any { get; set; }

        public List<(long Offset, long Length)> Segments { get; } = [];
    }
}
