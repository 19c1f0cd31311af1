using System.Text.RegularExpressions;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Tabs;

public sealed class CustomScalarsTabTests
{
    [Fact]
    public void The_layout_is_written_once_and_every_chart_matches_tags_the_watcher_wrote()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false, Projector = null }))
        {
            Training.Run(model, optimizer, watch, steps: 3);
        }

        var values = RunReader.Values(dir.Path);
        var config = Assert.Single(values, v => v.Value.Tag == CustomScalarsSummary.ConfigTag);
        Assert.Equal(0, config.Step);
        Assert.Equal("custom_scalars", config.Value.Metadata.PluginData.PluginName);
        var layout = CustomScalarsSummary.Parse(config.Value);
        var charts = layout.Category.SelectMany(c => c.Chart).ToList();
        Assert.Contains(charts, c => c.Multiline.Tag.Contains("grad_norm/.*"));
        Assert.Contains(charts, c => c.Multiline.Tag.Contains("weight_norm/.*"));
        Assert.Contains(charts, c => c.Multiline.Tag.Contains("update_ratio/.*"));

        // The dashboard matches each regex from the tag's start (Python re.match).
        var tags = values.Select(v => v.Value.Tag).Distinct().ToList();
        foreach (var chart in charts)
        {
            var matched = tags.Where(t => chart.Multiline.Tag.Any(r => Regex.IsMatch(t, "^(?:" + r + ")"))).ToList();
            Assert.True(matched.Count > 0, $"chart '{chart.Title}' matches no tag");
        }

        var gradientChart = charts.Single(c => c.Multiline.Tag.Contains("grad_norm/.*"));
        Assert.Equal(8, tags.Count(t => Regex.IsMatch(t, "^(?:" + gradientChart.Multiline.Tag[0] + ")"))); // every parameter
    }
}
