using Google.Protobuf;
using TrainWatch.Protos;
using TrainWatch.Protos.Plugins.Text;

namespace TrainWatch.Summaries;

/// <summary>Pure functions for the text plugin: a string tensor of shape [1], rendered as markdown by TensorBoard.</summary>
public static class TextSummary
{
    /// <summary>The plugin name TensorBoard's text dashboard looks for.</summary>
    public const string PluginName = "text";

    private static readonly ByteString s_pluginContent = new TextPluginData { Version = 0 }.ToByteString();

    /// <summary>A text value under <paramref name="tag"/>.</summary>
    public static Summary.Types.Value ToValue(string tag, string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var tensor = new TensorProto
        {
            Dtype = DataType.DtString,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } },
        };
        tensor.StringVal.Add(ByteString.CopyFromUtf8(markdown));
        return new Summary.Types.Value
        {
            Tag = SummaryTag.Validate(tag),
            Metadata = new SummaryMetadata
            {
                PluginData = new SummaryMetadata.Types.PluginData { PluginName = PluginName, Content = s_pluginContent },
            },
            Tensor = tensor,
        };
    }

    /// <summary>A summary of one text value.</summary>
    public static Summary Build(string tag, string markdown) => new() { Value = { ToValue(tag, markdown) } };
}
