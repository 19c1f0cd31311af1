using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using TrainWatch.Protos;
using TrainWatch.Protos.Plugins.HParams;

namespace TrainWatch.Summaries;

/// <summary>
/// Pure functions for the hparams plugin. A run describes itself with three summaries, each carrying a serialized
/// <see cref="HParamsPluginData"/> (version 0) as plugin content and no value: the experiment (which hyper-parameters
/// and metrics are columns), the session start (this run's values) and the session end (its status).
/// </summary>
/// <remarks>
/// All three go into the run's own event file, next to its scalars, so the HParams tab finds the metrics of the run in
/// the run itself (metric group <c>""</c>). When several runs each carry an experiment, TensorBoard uses one of them
/// for the columns: runs compared together should log the same hyper-parameter names.
/// </remarks>
public static class HParamsSummary
{
    /// <summary>The plugin name TensorBoard's HParams tab looks for.</summary>
    public const string PluginName = "hparams";

    /// <summary>Tag of the experiment summary.</summary>
    public const string ExperimentTag = "_hparams_/experiment";

    /// <summary>Tag of the session start summary.</summary>
    public const string SessionStartTag = "_hparams_/session_start_info";

    /// <summary>Tag of the session end summary.</summary>
    public const string SessionEndTag = "_hparams_/session_end_info";

    /// <summary>The only plugin data version the plugin reads.</summary>
    public const int PluginDataVersion = 0;

    /// <summary>
    /// The experiment: one column per hyper-parameter (its type taken from <paramref name="hparams"/>' values) and one
    /// per metric tag (scalar series of the run itself).
    /// </summary>
    public static Summary Experiment(IReadOnlyDictionary<string, object?> hparams, IEnumerable<string> metricTags, DateTimeOffset? created = null)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        ArgumentNullException.ThrowIfNull(metricTags);
        var experiment = new Experiment { TimeCreatedSecs = ToUnixSeconds(created ?? DateTimeOffset.UtcNow) };

        // No domains: a domain also becomes the tab's initial filter, which would hide other runs' values.
        foreach (var (name, value) in hparams.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            experiment.HparamInfos.Add(new HParamInfo { Name = CheckName(name), Type = TypeOf(ToValue(value)) });
        }

        foreach (string tag in metricTags.Distinct(StringComparer.Ordinal))
        {
            experiment.MetricInfos.Add(new MetricInfo { Name = new MetricName { Group = "", Tag = SummaryTag.Validate(tag) } });
        }

        return Build(ExperimentTag, new HParamsPluginData { Version = PluginDataVersion, Experiment = experiment });
    }

    /// <summary>The session start: this run's hyper-parameter values.</summary>
    public static Summary SessionStart(IReadOnlyDictionary<string, object?> hparams, DateTimeOffset? started = null, string groupName = "")
    {
        ArgumentNullException.ThrowIfNull(hparams);
        ArgumentNullException.ThrowIfNull(groupName);
        var start = new SessionStartInfo { StartTimeSecs = ToUnixSeconds(started ?? DateTimeOffset.UtcNow), GroupName = groupName };
        foreach (var (name, value) in hparams)
        {
            start.Hparams[CheckName(name)] = ToValue(value);
        }

        return Build(SessionStartTag, new HParamsPluginData { Version = PluginDataVersion, SessionStartInfo = start });
    }

    /// <summary>The session end: the run's final status. TensorBoard keeps the first status it reads.</summary>
    public static Summary SessionEnd(Status status, DateTimeOffset? ended = null) =>
        Build(SessionEndTag, new HParamsPluginData
        {
            Version = PluginDataVersion,
            SessionEndInfo = new SessionEndInfo { Status = status, EndTimeSecs = ToUnixSeconds(ended ?? DateTimeOffset.UtcNow) },
        });

    /// <summary>
    /// A hyper-parameter value as the plugin stores it: booleans stay booleans, numbers become doubles, strings stay
    /// strings, null is a null value, anything else is its invariant-culture text (enums by name).
    /// </summary>
    public static Value ToValue(object? value) => value switch
    {
        null => Value.ForNull(),
        bool b => Value.ForBool(b),
        string s => Value.ForString(s),
        System.Enum e => Value.ForString(e.ToString()),
        sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal =>
            Value.ForNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        IFormattable f => Value.ForString(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Value.ForString(value.ToString() ?? ""),
    };

    /// <summary>Reads the plugin data back (for readers and tests).</summary>
    public static HParamsPluginData Parse(SummaryMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return HParamsPluginData.Parser.ParseFrom(metadata.PluginData.Content);
    }

    private static Protos.Plugins.HParams.DataType TypeOf(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.BoolValue => Protos.Plugins.HParams.DataType.Bool,
        Value.KindOneofCase.NumberValue => Protos.Plugins.HParams.DataType.Float64,
        Value.KindOneofCase.StringValue => Protos.Plugins.HParams.DataType.String,
        _ => Protos.Plugins.HParams.DataType.Unset,
    };

    private static Summary Build(string tag, HParamsPluginData data) => new()
    {
        Value =
        {
            new Summary.Types.Value
            {
                Tag = tag,
                Metadata = new SummaryMetadata
                {
                    PluginData = new SummaryMetadata.Types.PluginData { PluginName = PluginName, Content = data.ToByteString() },
                },
            },
        },
    };

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }

    private static double ToUnixSeconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;
}
