using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Protos.Plugins.HParams;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Reporting;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Tabs;

public sealed class HParamsTabTests
{
    [Fact]
    public void Hyper_parameters_go_into_the_runs_own_event_file_next_to_its_scalars_and_the_session_ends_successfully()
    {
        using var dir = new TempDirectory();
        string run = Training.RunDirectory(dir, "hparams");
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, run, every: 2, new WatchOptions { AlertsToConsole = false, Projector = null }))
        {
            watch.LogHParams(new Dictionary<string, object> { ["lr"] = 0.01, ["batch_size"] = 8, ["optimizer"] = "sgd" });
            Training.Run(model, optimizer, watch, steps: 4);
            Assert.Throws<InvalidOperationException>(() => watch.LogHParams(new Dictionary<string, object> { ["lr"] = 0.1 }));
        }

        var file = Assert.Single(Directory.GetFiles(run), EventFileName.IsEventFile);
        var values = RunReader.Values(run);
        var hparams = values.Where(v => v.Value.Metadata?.PluginData?.PluginName == HParamsSummary.PluginName).ToList();
        Assert.Equal([HParamsSummary.ExperimentTag, HParamsSummary.SessionStartTag, HParamsSummary.SessionEndTag], hparams.Select(v => v.Value.Tag));
        Assert.Contains(values, v => v.Value.Tag == RunTags.Loss);

        var data = hparams.Select(v => HParamsSummary.Parse(v.Value.Metadata)).ToList();
        Assert.All(data, d => Assert.Equal(0, d.Version));
        Assert.Equal(["batch_size", "lr", "optimizer"], data[0].Experiment.HparamInfos.Select(h => h.Name));
        Assert.Equal([RunTags.Loss], data[0].Experiment.MetricInfos.Select(m => m.Name.Tag));
        Assert.All(data[0].Experiment.MetricInfos, m => Assert.Equal("", m.Name.Group)); // the run's own scalars
        Assert.Equal("sgd", data[1].SessionStartInfo.Hparams["optimizer"].StringValue);
        Assert.Equal(8, data[1].SessionStartInfo.Hparams["batch_size"].NumberValue);
        Assert.Equal(Status.Success, data[2].SessionEndInfo.Status);
        Assert.Equal(4, hparams[2].Step);

        // TensorBoard pairs a session with the scalars of its own run: the three records are in the run's one file, beside the loss.
        var records = EventFileReader.ReadAll(file).Events.Select(e => e.Event.Summary).OfType<Summary>().SelectMany(s => s.Value).ToList();
        Assert.Equal(3, records.Count(v => v.Metadata?.PluginData?.PluginName == HParamsSummary.PluginName));
        Assert.Contains(records, v => v.Tag == RunTags.Loss);
    }

    [Fact]
    public void Final_metrics_become_metric_columns_and_scalars_and_hparams_can_come_from_the_options()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var options = new WatchOptions { AlertsToConsole = false, Projector = null, HParams = new Dictionary<string, object> { ["depth"] = 2 } };
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, options))
        {
            Training.Run(model, optimizer, watch, steps: 2);
            Assert.Throws<InvalidOperationException>(() => watch.LogHParams(new Dictionary<string, object> { ["depth"] = 3 }));
        }

        string second = Path.Combine(dir.Path, "second");
        using (var watch = TrainWatcher.Attach(model, optimizer, second, every: 1, new WatchOptions { AlertsToConsole = false, Projector = null }))
        {
            Training.Run(model, optimizer, watch, steps: 2);
            watch.LogHParams(new Dictionary<string, object> { ["depth"] = 3 }, new Dictionary<string, double> { ["accuracy"] = 0.75 });
        }

        var first = RunReader.Values(dir.Path);
        var experiment = HParamsSummary.Parse(first.Single(v => v.Value.Tag == HParamsSummary.ExperimentTag).Value.Metadata).Experiment;
        Assert.Equal("depth", Assert.Single(experiment.HparamInfos).Name);

        var values = RunReader.Values(second);
        var metrics = HParamsSummary.Parse(values.Single(v => v.Value.Tag == HParamsSummary.ExperimentTag).Value.Metadata).Experiment.MetricInfos;
        Assert.Equal([RunTags.Loss, "accuracy"], metrics.Select(m => m.Name.Tag));
        Assert.Equal(0.75f, RunReader.Scalar(values, "accuracy", 2));
    }

    [Fact]
    public void Without_hyper_parameters_no_hparams_summary_is_written()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false, Projector = null }))
        {
            Training.Run(model, optimizer, watch, steps: 1);
        }

        Assert.DoesNotContain(RunReader.Values(dir.Path), v => v.Value.Metadata?.PluginData?.PluginName == HParamsSummary.PluginName);
    }
}
