using Google.Protobuf;
using TrainWatch.Protos;
using TrainWatch.Protos.Plugins.CustomScalar;

namespace TrainWatch.Summaries;

/// <summary>
/// Pure functions for the custom scalars dashboard: its <see cref="Layout"/> is stored as a rank-0 string tensor whose
/// single value is the serialized layout, under the tag <see cref="ConfigTag"/>, with plugin <see cref="PluginName"/>
/// and empty plugin content. The dashboard merges the layouts of all runs.
/// </summary>
public static class CustomScalarsSummary
{
    /// <summary>The plugin name the custom scalars dashboard looks for.</summary>
    public const string PluginName = "custom_scalars";

    /// <summary>The tag the dashboard reads its layout from.</summary>
    public const string ConfigTag = "custom_scalars__config__";

    /// <summary>A summary holding <paramref name="layout"/>.</summary>
    public static Summary Build(Layout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.StringVal.Add(layout.ToByteString());
        return new Summary
        {
            Value =
            {
                new Summary.Types.Value
                {
                    Tag = ConfigTag,
                    Metadata = new SummaryMetadata
                    {
                        PluginData = new SummaryMetadata.Types.PluginData { PluginName = PluginName },
                        DataClass = DataClass.Tensor,
                    },
                    Tensor = tensor,
                },
            },
        };
    }

    /// <summary>A chart with one line per tag matching any of <paramref name="tagRegexes"/> (matched from the tag's start).</summary>
    public static Chart MultilineChart(string title, params string[] tagRegexes)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(tagRegexes);
        return new Chart { Title = title, Multiline = new MultilineChartContent { Tag = { tagRegexes } } };
    }

    /// <summary>Reads the layout back from a value written by <see cref="Build"/> (for readers and tests).</summary>
    public static Layout Parse(Summary.Types.Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Layout.Parser.ParseFrom(value.Tensor.StringVal.Single());
    }
}
