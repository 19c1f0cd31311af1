using System.Globalization;
using System.Text;
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

    private readonly ProjectorConfig _config = new();
    private readonly int _maxEmbeddings;

    /// <summary>Writes into <paramref name="runDirectory"/> (created if missing).</summary>
    /// <param name="runDirectory">The run directory.</param>
    /// <param name="maxEmbeddings">
    /// How many embeddings the config lists at most. Past it, the oldest but the first is removed, folder and all: a long
    /// run keeps its start and its latest steps, and its config, disk use and memory stay bounded (the projector's
    /// drop-down of thousands of snapshots would be unusable anyway).
    /// </param>
    public ProjectorWriter(string runDirectory, int maxEmbeddings = int.MaxValue)
    {
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

        int existing = _config.Embeddings.ToList().FindIndex(e => e.TensorPath == info.TensorPath);
        if (existing >= 0)
        {
            _config.Embeddings[existing] = info;
        }
        else
        {
            _config.Embeddings.Add(info);
        }

        var removed = _config.Embeddings.Count > _maxEmbeddings ? _config.Embeddings[1] : null;
        if (removed is not null)
        {
            _config.Embeddings.RemoveAt(1);
        }

        // The config first: TensorBoard must never be pointed at a folder that is being deleted.
        WriteAtomically(ConfigPath, Encoding.UTF8.GetBytes(ProjectorConfigText.Format(_config)));
        if (removed is not null)
        {
            DeleteFolderOf(removed);
        }

        return info;
    }

    // Only the files this writer puts there, then the folder if that left it empty: nothing else is ever deleted.
    private void DeleteFolderOf(EmbeddingInfo embedding)
    {
        string directory = Path.GetDirectoryName(Path.Combine(RunDirectory, embedding.TensorPath))!;
        try
        {
            foreach (string name in new[] { TensorFileName, MetadataFileName, SpriteFileName })
            {
                File.Delete(Path.Combine(directory, name));
            }

            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind on a failing disk or a lost permission: it costs space, never correctness, since the config no longer lists it.
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

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
