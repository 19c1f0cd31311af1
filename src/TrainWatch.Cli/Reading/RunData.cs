namespace TrainWatch.Cli.Reading;

/// <summary>Everything kept from one run: its files' integrity, its tags, and the values the command asked for.</summary>
internal sealed class RunData(string name, string directory)
{
    /// <summary>The run's name relative to the log directory.</summary>
    public string Name { get; } = name;

    /// <summary>The run directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>One report per event file, in reading order.</summary>
    public List<FileReport> Files { get; } = [];

    /// <summary>Every tag seen, whether or not its values were kept.</summary>
    public Dictionary<string, TagInfo> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>Scalar values per tag, in file order.</summary>
    public Dictionary<string, List<ScalarPoint>> Scalars { get; } = new(StringComparer.Ordinal);

    /// <summary>Histograms per tag, in file order.</summary>
    public Dictionary<string, List<HistogramPoint>> Histograms { get; } = new(StringComparer.Ordinal);

    /// <summary>Histogram stats per tag, in file order (read with <see cref="ReadOptions.SummarizeHistograms"/>).</summary>
    public Dictionary<string, ChunkedList<HistogramStats>> HistogramStats { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Per tag, the positions among its histogram values (counting every value of the tag, in file order) of those that
    /// could not be decoded and so have no stats: a second reading of the run tells which value is which by them.
    /// </summary>
    public Dictionary<string, List<int>> UndecodableHistograms { get; } = new(StringComparer.Ordinal);

    /// <summary>Text values per tag, in file order.</summary>
    public Dictionary<string, List<TextPoint>> Texts { get; } = new(StringComparer.Ordinal);
}
