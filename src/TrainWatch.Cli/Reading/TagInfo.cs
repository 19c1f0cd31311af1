namespace TrainWatch.Cli.Reading;

/// <summary>What one tag of a run holds: its kind, plugin, how many values and over which steps.</summary>
internal sealed class TagInfo(string tag, ValueKind kind, string plugin, int ordinal = 0)
{
    /// <summary>
    /// How many tags the run had before this one appeared. The watcher writes parameters in module order and
    /// activations in the order modules ran, so this is a proxy for forward order.
    /// </summary>
    public int Ordinal { get; } = ordinal;

    /// <summary>The tag.</summary>
    public string Tag { get; } = tag;

    /// <summary>What its values are.</summary>
    public ValueKind Kind { get; } = kind;

    /// <summary>The plugin named in its metadata (empty for legacy values without one).</summary>
    public string Plugin { get; set; } = plugin;

    /// <summary>How many values were read.</summary>
    public long Count { get; private set; }

    /// <summary>How many values could not be decoded (malformed tensors, empty histograms).</summary>
    public long Undecodable { get; set; }

    /// <summary>The smallest step seen.</summary>
    public long FirstStep { get; private set; } = long.MaxValue;

    /// <summary>The largest step seen.</summary>
    public long LastStep { get; private set; } = long.MinValue;

    /// <summary>Counts a value at <paramref name="step"/>.</summary>
    public void Add(long step)
    {
        Count++;
        FirstStep = Math.Min(FirstStep, step);
        LastStep = Math.Max(LastStep, step);
    }
}
