using TrainWatch.Protos;

namespace TrainWatch.Cli.Reading;

/// <summary>
/// Tells what a summary value is. Keeps the plugin of every tag because TensorBoard writers put the plugin metadata
/// only on the first value of a tag: later tensors of the same tag arrive without it. One instance per run.
/// </summary>
internal sealed class SummaryValueClassifier
{
    private readonly Dictionary<string, string> _pluginByTag = new(StringComparer.Ordinal);

    /// <summary>The plugin recorded for <paramref name="tag"/>, or an empty string.</summary>
    public string PluginOf(string tag) => _pluginByTag.GetValueOrDefault(tag, string.Empty);

    /// <summary>Classifies <paramref name="value"/> and remembers its plugin when it names one.</summary>
    public ValueKind Classify(Summary.Types.Value value)
    {
        string plugin = value.Metadata?.PluginData?.PluginName ?? string.Empty;
        if (plugin.Length > 0)
        {
            _pluginByTag[value.Tag] = plugin;
        }
        else
        {
            plugin = PluginOf(value.Tag);
        }

        return value.ValueCase switch
        {
            Summary.Types.Value.ValueOneofCase.SimpleValue => ValueKind.Scalar,
            Summary.Types.Value.ValueOneofCase.Histo => ValueKind.Histogram,
            Summary.Types.Value.ValueOneofCase.Image => ValueKind.Image,
            Summary.Types.Value.ValueOneofCase.Audio => ValueKind.Audio,
            Summary.Types.Value.ValueOneofCase.Tensor => plugin switch
            {
                PluginNames.Scalars => ValueKind.Scalar,
                PluginNames.Histograms => ValueKind.Histogram,
                PluginNames.Text => ValueKind.Text,
                PluginNames.Images => ValueKind.Image,
                PluginNames.Audio => ValueKind.Audio,
                _ => ValueKind.Other,
            },
            _ => ValueKind.Other,
        };
    }
}
