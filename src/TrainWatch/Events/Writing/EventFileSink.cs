using Google.Protobuf;
using TrainWatch.Protos;
using TrainWatch.Records;

namespace TrainWatch.Events;

/// <summary>
/// Owns one run directory's current event file: creates it with its <c>brain.Event:2</c> header record, appends
/// batches of whole framed records, and keeps the file valid when a write fails.
/// </summary>
/// <remarks>
/// A failed write may leave part of a batch on disk. The sink cuts the file back to the last good length, so a reader
/// never meets a torn record in the middle of a file (TensorBoard stops reading at the first bad record). If even the
/// cut fails, the file is abandoned as it is — its only damage is a torn tail, which readers treat as end of data —
/// and the next write starts a new file in the same run.
/// </remarks>
internal sealed class EventFileSink : IDisposable
{
    /// <summary>The version string TensorBoard expects in the first record of every event file.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly string _directory;
    private readonly EventWriterOptions _options;
    private Stream? _stream;
    private bool _hasHeader;

    public EventFileSink(string directory, EventWriterOptions options)
    {
        _directory = directory;
        _options = options;
    }

    /// <summary>The file being written (or last written).</summary>
    public string FilePath { get; private set; } = "";

    /// <summary>Bytes of whole records in the current file.</summary>
    public long Length { get; private set; }

    /// <summary>Creates the directory and a new event file with its header record, and pushes it to the OS.</summary>
    /// <exception cref="IOException">The directory or file cannot be created or written.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission is denied.</exception>
    public void Open()
    {
        Directory.CreateDirectory(_directory);
        var now = DateTimeOffset.UtcNow;
        for (int attempt = 0; ; attempt++)
        {
            string path = Path.Combine(_directory, EventFileName.Create(now, _options.FileSuffix));
            try
            {
                _stream = _options.OpenStream?.Invoke(path)
                    ?? new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
                FilePath = path;
                break;
            }
            catch (IOException) when (attempt < 8 && File.Exists(path))
            {
                // Why: a name is unique per process and counter, but another process with a recycled pid may own it.
            }
        }

        Length = 0;
        _hasHeader = false;
        WriteHeader();
    }

    /// <summary>Appends whole framed records; on failure the file is left holding only whole records.</summary>
    public void Append(ReadOnlySpan<byte> framedRecords)
    {
        if (_stream is null)
        {
            Open();
        }
        else if (!_hasHeader)
        {
            // The header itself failed (a disk full at the new file's first write) and was cut back: write it first.
            WriteHeader();
        }

        try
        {
            _stream!.Write(framedRecords);
            Length += framedRecords.Length;
        }
        catch
        {
            RollBack();
            throw;
        }
    }

    /// <summary>Asks the OS to put the file's bytes on the disk (fsync).</summary>
    public void FlushToDisk()
    {
        switch (_stream)
        {
            case FileStream file:
                file.Flush(flushToDisk: true);
                break;
            case { } other:
                other.Flush();
                break;
        }
    }

    public void Dispose()
    {
        var stream = _stream;
        _stream = null;
        stream?.Dispose();
    }

    private void WriteHeader()
    {
        var header = new Event
        {
            WallTime = WallClock.Now(),
            FileVersion = FileVersion,
            SourceMetadata = new SourceMetadata { Writer = "trainwatch" },
        };
        byte[] framed = EventSerializer.Frame(header);
        try
        {
            _stream!.Write(framed);
            Length += framed.Length;
            _hasHeader = true;
        }
        catch
        {
            RollBack();
            throw;
        }
    }

    private void RollBack()
    {
        try
        {
            _stream!.SetLength(Length);
            _stream.Position = Length;
        }
        catch (Exception)
        {
            // The cut itself failed: leave the file with (at worst) a torn tail and continue in a new file.
            try
            {
                _stream?.Dispose();
            }
            catch (Exception)
            {
                // Nothing more can be done for this file; the error that led here is already being reported.
            }

            _stream = null;
        }
    }
}
