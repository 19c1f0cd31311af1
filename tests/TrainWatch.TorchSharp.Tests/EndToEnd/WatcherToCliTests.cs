using System.Text.Json;
using TrainWatch.Cli;
using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.Examples.FaultZoo.Zoo;
using TrainWatch.RunFormat;

namespace TrainWatch.TorchSharp.Tests.EndToEnd;

/// <summary>
/// The watcher's real output read by the real CLI: a small model trained twice, healthy and with a fault planted at a
/// known layer and step, then <c>trainwatch diff healthy faulty</c> and <c>trainwatch tail --once</c> run in-process on
/// the two runs. The CLI's own tests write runs the way they expect the watcher to; this test is where a renamed tag
/// or a changed alert line would make <c>diff</c> or the dashboard go blind.
/// </summary>
/// <remarks>
/// Alone, after the parallel tests (a few seconds): the two runs must be identical up to the planted step, and the zoo
/// builds its models from the global generator after seeding it, which a test class running beside this one can draw
/// from or reseed in between (it happened to <see cref="SampledHistogramDiffTests"/> in a clean-clone CI run).
/// </remarks>
[Collection(RunsAlone.Name)]
public sealed class WatcherToCliTests
{
    private const string Model = "mlp-blocks";

    private static readonly ZooSettings s_settings = new([], [], Steps: 140, Every: 5, Onset: 100, Path.Combine(Path.GetTempPath(), $"trainwatch-e2e-{Environment.ProcessId}"), CliPath: null, ReportPath: null);

    [Theory]
    [InlineData("grad-blowup", AlertTags.ExplodingGradient)]
    [InlineData("nan-weight", AlertTags.NonFinite)]
    public void Diff_and_tail_name_the_planted_layer_and_a_step_within_one_interval_of_the_planted_one(string faultName, string alertTag)
    {
        var fault = Fault.All.Single(f => f.Name == faultName);
        using var model = ZooModels.Create(Model);
        string layer = model.MiddleLayer;
        var healthy = CaseRunner.Run(Model, Fault.Healthy, s_settings);
        var faulty = CaseRunner.Run(Model, fault, s_settings);
        try
        {
            // diff: the root cause (or the first non-finite layer) is the planted layer, dated near the planted step.
            var (diffExit, diffOut, diffError) = Cli("diff", healthy.RunDirectory, faulty.RunDirectory, "--json");
            Assert.True(diffExit == ExitCodes.ProblemsFound, $"diff exited {diffExit}: {diffError}");
            var verdict = DiffProbe.Read(diffOut, diffExit);
            Assert.True(Fault.SameLayer(verdict.Layer, layer), $"diff named {verdict.Layer} ({verdict.Kind}), planted at {layer}");
            Assert.InRange(verdict.Onset!.Value, s_settings.Onset - s_settings.Every, s_settings.Onset + s_settings.Every);

            // diff also lists the watcher's own incidents: none in the healthy run, the first in B at the planted layer.
            using (var diffJson = JsonDocument.Parse(diffOut))
            {
                Assert.Equal(0, diffJson.RootElement.GetProperty("incidents_in_a").GetArrayLength());
                var first = diffJson.RootElement.GetProperty("incidents_in_b").EnumerateArray().First();
                Assert.True(Fault.SameLayer(first.GetProperty("layer").GetString(), layer), first.ToString());
                Assert.InRange(first.GetProperty("step").GetInt64(), s_settings.Onset, s_settings.Onset + s_settings.Every);
                Assert.Equal(AlertTags.KindOf(alertTag), first.GetProperty("kind").GetString());

                // ... and the text report says the same in one line per incident.
                var (_, diffText, _) = Cli("diff", healthy.RunDirectory, faulty.RunDirectory);
                Assert.Contains($"INCIDENT in B #1 at step {first.GetProperty("step").GetInt64()}: {AlertTags.KindOf(alertTag)} at {first.GetProperty("layer").GetString()}", diffText);
                Assert.DoesNotContain("INCIDENT in A", diffText);
            }

            // tail --once --json: the alert text is read back as the watcher wrote it, at the planted layer and step.
            var (tailExit, tailOut, _) = Cli("tail", faulty.RunDirectory, "--once", "--json");
            Assert.Equal(ExitCodes.Ok, tailExit);
            var alert = AlertLines(tailOut).Where(a => a.Tag == alertTag).Select(a => a.Line).OrderBy(a => a.Step).First();
            Assert.True(Fault.SameLayer(alert.Layer, layer), $"the first {alertTag} names {alert.Layer}, planted at {layer}");
            Assert.InRange(alert.Step, s_settings.Onset, s_settings.Onset + s_settings.Every);

            // tail --once, the dashboard: the planted layer is flagged by that alert. (Layers are listed newest alert
            // first, so a fault that spreads puts the layers it reached later above it.)
            var (dashboardExit, dashboard, _) = Cli("tail", faulty.RunDirectory, "--once");
            Assert.Equal(ExitCodes.Ok, dashboardExit);
            var layerLine = dashboard.Split('\n').FirstOrDefault(l => l.Contains($"! {layer} ", StringComparison.Ordinal));
            Assert.True(layerLine is not null, dashboard);
            Assert.Contains($"alert {AlertTags.KindOf(alertTag)} @{alert.Step}", layerLine);
            Assert.Contains("incidents, newest first:", dashboard);
            Assert.Contains($"#1 step {alert.Step}", dashboard);

            // The healthy run raised nothing, so its dashboard has nothing to mark.
            var (_, healthyDashboard, _) = Cli("tail", healthy.RunDirectory, "--once");
            Assert.Contains("alerts: none", healthyDashboard);
        }
        finally
        {
            Directory.Delete(s_settings.OutputDirectory, recursive: true);
        }
    }

    private static (int ExitCode, string Out, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = CliApp.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    // Each alert line of each "type": "alert" object tail printed, with its tag.
    private static IEnumerable<(string Tag, AlertLineParts Line)> AlertLines(string jsonLines)
    {
        foreach (string line in jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("type").GetString() != "alert")
            {
                continue;
            }

            string tag = root.GetProperty("tag").GetString()!;
            foreach (string text in root.GetProperty("text").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (AlertLine.Parse(text) is { } parts)
                {
                    yield return (tag, parts);
                }
            }
        }
    }
}
