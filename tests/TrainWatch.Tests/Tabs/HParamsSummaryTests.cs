using Google.Protobuf.WellKnownTypes;
using TrainWatch.Protos.Plugins.HParams;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Tabs;

public sealed class HParamsSummaryTests
{
    private static readonly Dictionary<string, object?> s_hparams = new()
    {
        ["lr"] = 0.01,
        ["batch_size"] = 64,
        ["optimizer"] = "sgd",
        ["augment"] = true,
        ["schedule"] = DayOfWeek.Monday, // any other type is written as its text
    };

    [Fact]
    public void Experiment_session_start_and_end_round_trip_through_an_event_file()
    {
        using var dir = new TempDirectory();
        var start = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddSummary(HParamsSummary.Experiment(s_hparams, ["train/loss", "accuracy"], start), step: 0);
            writer.AddSummary(HParamsSummary.SessionStart(s_hparams, start), step: 0);
            writer.AddSummary(HParamsSummary.SessionEnd(Status.Success, start.AddMinutes(5)), step: 100);
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal([HParamsSummary.ExperimentTag, HParamsSummary.SessionStartTag, HParamsSummary.SessionEndTag], values.Select(v => v.Value.Tag));
        Assert.All(values, v => Assert.Equal("hparams", v.Value.Metadata.PluginData.PluginName));
        Assert.All(values, v => Assert.Equal(Protos.Summary.Types.Value.ValueOneofCase.None, v.Value.ValueCase));
        var data = values.Select(v => HParamsSummary.Parse(v.Value.Metadata)).ToList();
        Assert.All(data, d => Assert.Equal(0, d.Version));

        var experiment = data[0].Experiment;
        Assert.Equal(HParamsPluginData.DataOneofCase.Experiment, data[0].DataCase);
        Assert.Equal(
            [("augment", DataType.Bool), ("batch_size", DataType.Float64), ("lr", DataType.Float64), ("optimizer", DataType.String), ("schedule", DataType.String)],
            experiment.HparamInfos.Select(h => (h.Name, h.Type)));
        Assert.All(experiment.HparamInfos, h => Assert.Equal(HParamInfo.DomainOneofCase.None, h.DomainCase));
        Assert.Equal([("", "train/loss"), ("", "accuracy")], experiment.MetricInfos.Select(m => (m.Name.Group, m.Name.Tag)));
        Assert.Equal(start.ToUnixTimeSeconds(), experiment.TimeCreatedSecs);

        var session = data[1].SessionStartInfo;
        Assert.Equal(HParamsPluginData.DataOneofCase.SessionStartInfo, data[1].DataCase);
        Assert.Equal(0.01, session.Hparams["lr"].NumberValue);
        Assert.Equal(64, session.Hparams["batch_size"].NumberValue);
        Assert.Equal("sgd", session.Hparams["optimizer"].StringValue);
        Assert.True(session.Hparams["augment"].BoolValue);
        Assert.Equal("Monday", session.Hparams["schedule"].StringValue);
        Assert.Equal("", session.GroupName);

        Assert.Equal(HParamsPluginData.DataOneofCase.SessionEndInfo, data[2].DataCase);
        Assert.Equal(Status.Success, data[2].SessionEndInfo.Status);
        Assert.Equal(start.AddMinutes(5).ToUnixTimeSeconds(), data[2].SessionEndInfo.EndTimeSecs);
    }

    [Fact]
    public void Values_keep_their_kind_and_null_is_a_null_value()
    {
        Assert.Equal(Value.KindOneofCase.NullValue, HParamsSummary.ToValue(null).KindCase);
        Assert.Equal(0.5, HParamsSummary.ToValue(0.5f).NumberValue);
        Assert.Equal(3, HParamsSummary.ToValue(3L).NumberValue);
        Assert.Equal(1.25, HParamsSummary.ToValue(1.25m).NumberValue);
    }

    [Fact]
    public void Empty_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => HParamsSummary.SessionStart(new Dictionary<string, object?> { [" "] = 1 }));
    }
}
