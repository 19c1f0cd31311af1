using System.Globalization;
using System.Text;
using TrainWatch.Events;
using TrainWatch.Protos.Plugins.Projector;

namespace TrainWatch.Projector;

/// <summary>
/// Writes embeddings in the embedding projector's format into a run directory: per embedding a folder with
/// <c>tensors.tsv</c> (one tab-separated row per point), <c>metadata.tsv</c> (one row per point; a header row only when
/// there is more than one column) and <c>sprite.png</c>, and <c>projector_config.pbtxt</c> listing the embeddings
/// written so far (at most a set number) with paths relative to the run directory (the projector resolves them against the config's folder).
/// </summary>
/// <remarks>
/// The config is rewritten through a temporary file and a rename, so TensorBoard never reads half a config. A new
/// writer starts a new list: it replaces a config left by an earlier writer on the same directory. Not thread-safe.
/// A write that fails (a full disk) removes what that call created, so no half-written snapshot folders pile up, and
/// the writer then skips its writes (throwing an <see cref="IOException"/> at once) until a retry delay has passed,
/// doubling from <see cref="EventWriterOptions.RetryDelay"/>'s default up to 8 s, like the event writer.
/// </remarks>
public sealed class ProjectorWriter
{
    /// <summary>The file name the projector looks for in each run directory.</summary>
    public const string ConfigFileName = "projector_config.pbtxt";

    /// <summary>File name of the tensor values in an embedding's folder.</summary>
    public const string TensorFileName = "tensors.tsv";

    /// <summary>File name of the metadata in an embedding's folder.</summary>
    public const string MetadataFileName = "metadata.tsv";

    /// <summary>File name of the sprite in an embedding's folder.</summary>
    public const string SpriteFileName = "sprite.png";

    private ProjectorConfig _config = new();
    private readonly int _maxEmbeddings;
    private readonly RetryBackoff _backoff;

    /// <summary>Writes into <paramref name="runDirectory"/> (created if missing).</summary>
    /// <param name="runDirectory">The run directory.</param>
    /// <param name="maxEmbeddings">
    /// How many embeddings the config lists at most. Past it, the oldest but the first is removed, folder and all: a long
    /// run keeps its start and its latest steps, and its config, disk use and memory stay bounded (the projector's
    /// drop-down of thousands of snapshots would be unusable anyway).
    /// </param>
    public ProjectorWriter(string runDirectory, int maxEmbeddings = int.MaxValue)
        : this(runDirectory, maxEmbeddings, TimeProvider.System)
    {
    }

    /// <summary>Test seam: the clock of the retry delay after a failed write.</summary>
    internal ProjectorWriter(string runDirectory, int maxEmbeddings, TimeProvider time)
    {
        var defaults = EventWriterOptions.Default;
        _backoff = new RetryBackoff(time, defaults.RetryDelay, defaults.EffectiveMaxRetryDelay);
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEmbeddings, 2);
        RunDirectory = Path.GetFullPath(runDirectory);
        _maxEmbeddings = maxEmbeddings;
        Directory.CreateDirectory(RunDirectory);
    }

    /// <summary>The run directory (absolute).</summary>
    public string RunDirectory { get; }

    /// <summary>Where the config is written.</summary>
    public string ConfigPath => Path.Combine(RunDirectory, ConfigFileName);

    /// <summary>The embeddings listed in the config so far, in the order written.</summary>
    public IReadOnlyList<EmbeddingInfo> Embeddings => _config.Embeddings;

    /// <summary>
    /// Writes <paramref name="embedding"/> into the folder <paramref name="folder"/> (relative to the run directory, for
    /// example the step) and rewrites the config. Writing the same folder again replaces that embedding.
    /// </summary>
    /// <exception cref="ArgumentException">The values, metadata or sprite do not match the rows and columns.</exception>
    /// <exception cref="IOException">
    /// A file could not be written (what this call created is removed; the config is unchanged), or a recent failure's
    /// retry delay has not passed (nothing was touched).
    /// </exception>
    public EmbeddingInfo Add(string folder, ProjectorEmbedding embedding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(embedding);
        Validate(embedding);
        string relativeFolder = folder.Replace('\\', '/').Trim('/');
        string directory = Path.GetFullPath(Path.Combine(RunDirectory, relativeFolder));
        if (!directory.StartsWith(RunDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The folder '{folder}' is outside the run directory.", nameof(folder));
        }

        if (!_backoff.AttemptDue)
        {
            throw new SkippedWriteException($"The projector snapshot '{relativeFolder}' was skipped: a write in '{RunDirectory}' failed recently; the next try is in {_backoff.UntilNextAttempt.TotalSeconds:0.##} s.");
        }

        bool created = !Directory.Exists(directory);
        try
        {
            var info = AddFiles(relativeFolder, directory, embedding);
            _backoff.Succeeded();
            return info;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _backoff.Failed();
            if (created)
            {
                DeleteOwnFiles(directory);
            }

            throw;
        }
    }

    private EmbeddingInfo AddFiles(string relativeFolder, string directory, ProjectorEmbedding embedding)
    {
        Directory.CreateDirectory(directory);
        var info = new EmbeddingInfo
        {
            TensorName = embedding.Name,
            TensorPath = $"{relativeFolder}/{TensorFileName}",
            TensorShape = { (uint)embedding.Rows, (uint)embedding.Columns },
        };

        WriteAtomically(Path.Combine(directory, TensorFileName), FormatTensor(embedding));
        if (embedding.Metadata.Count > 0)
        {
            WriteAtomically(Path.Combine(directory, MetadataFileName), FormatMetadata(embedding.Metadata, embedding.Rows));
            info.MetadataPath = $"{relativeFolder}/{MetadataFileName}";
        }

        if (embedding.Sprite is { } sprite)
        {
            WriteAtomically(Path.Combine(directory, SpriteFileName), sprite.EncodePng());
            info.Sprite = new SpriteMetadata
            {
                ImagePath = $"{relativeFolder}/{SpriteFileName}",
                SingleImageDim = { (uint)sprite.SingleImageWidth, (uint)sprite.SingleImageHeight },
            };
        }

        // The new list is a copy until its config is on disk: a failed write must not leave a listing of the folder
        // that the failure just removed.
        var next = _config.Clone();
        int existing = next.Embeddings.ToList().FindIndex(e => e.TensorPath == info.TensorPath);
        if (existing >= 0)
        {
            next.Embeddings[existing] = info;
        }
        else
        {
            next.Embeddings.Add(info);
        }

        var removed = next.Embeddings.Count > _maxEmbeddings ? next.Embeddings[1] : null;
        if (removed is not null)
        {
            next.Embeddings.RemoveAt(1);
        }

        // The config first: TensorBoard must never be pointed at a folder that is being deleted.
        WriteAtomically(ConfigPath, Encoding.UTF8.GetBytes(ProjectorConfigText.Format(next)));
        _config = next;
        if (removed is not null)
        {
            DeleteFolderOf(removed);
        }

        return info;
    }

    // Only the files this writer puts there, then the folder if that left it empty: nothing else is ever deleted.
    private void DeleteFolderOf(EmbeddingInfo embedding)
    {
        DeleteOwnFiles(Path.GetDirectoryName(Path.Combine(RunDirectory, embedding.TensorPath))!);
    }

    private static void DeleteOwnFiles(string directory)
    {
        try
        {
            foreach (string name in new[] { TensorFileName, MetadataFileName, SpriteFileName })
            {
                File.Delete(Path.Combine(directory, name));
            }

            RemoveIfEmpty(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind on a failing disk or a lost permission: it costs space, never correctness, since the config no longer lists it.
        }
    }

    private static void RemoveIfEmpty(string directory)
    {
        try
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Costs space, never correctness: no config lists an empty folder.
        }
    }

    /// <summary>The tensor file: one line per point, values separated by tabs (invariant culture, round-trip precision).</summary>
    public static byte[] FormatTensor(ProjectorEmbedding embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        var text = new StringBuilder(embedding.Values.Length * 10);
        for (int row = 0; row < embedding.Rows; row++)
        {
            for (int column = 0; column < embedding.Columns; column++)
            {
                if (column > 0)
                {
                    text.Append('\t');
                }

                text.Append(embedding.Values[(row * embedding.Columns) + column].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The metadata file: with one column just the values, with more a header row first (the projector's rule).</summary>
    public static byte[] FormatMetadata(IReadOnlyList<ProjectorMetadataColumn> columns, int rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var text = new StringBuilder();
        if (columns.Count > 1)
        {
            text.AppendJoin('\t', columns.Select(c => Clean(c.Header))).Append('\n');
        }

        for (int row = 0; row < rows; row++)
        {
            text.AppendJoin('\t', columns.Select(c => Clean(c.Values[row]))).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Validate(ProjectorEmbedding embedding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(embedding.Name, nameof(embedding));
        ArgumentNullException.ThrowIfNull(embedding.Values, nameof(embedding));
        if (embedding.Rows < 1 || embedding.Columns < 1 || embedding.Values.Length != (long)embedding.Rows * embedding.Columns)
        {
            throw new ArgumentException($"{embedding.Rows} rows of {embedding.Columns} values need {(long)embedding.Rows * embedding.Columns} values, got {embedding.Values.Length}.", nameof(embedding));
        }

        if (embedding.Metadata.FirstOrDefault(c => c.Values.Count != embedding.Rows) is { } column)
        {
            throw new ArgumentException($"Metadata column '{column.Header}' has {column.Values.Count} values for {embedding.Rows} points.", nameof(embedding));
        }

        if (embedding.Sprite is { } sprite && sprite.Count != embedding.Rows)
        {
            throw new ArgumentException($"The sprite has {sprite.Count} thumbnails for {embedding.Rows} points.", nameof(embedding));
        }
    }

    // A tab or a line break inside a value would shift every later column or row.
    private static string Clean(string value) => value.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    // A failed write deletes its partial temporary file: on a full disk it would hold the space that is missing.
    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The original error is the one to report.
            }

            throw;
        }
    }
}
