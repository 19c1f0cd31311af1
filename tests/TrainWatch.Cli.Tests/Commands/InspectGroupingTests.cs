using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Commands;

/// <summary><c>inspect</c> shows one row per statistic by default, and every tag with <c>--tags</c>.</summary>
public class InspectGroupingTests
{
    [Fact]
    public void By_default_each_per_layer_statistic_is_one_row_and_the_layers_are_listed_once()
    {
        using var dir = new TempDirectory();
        new WatcherRun { Layers = 6, LastStep = 100 }.Write(dir.Combine("run"), seed: 1);
        using (var writer = new SummaryWriter(dir.Combine("run")))
        {
            writer.AddScalar("eval/loss", 0.5, 100); // "loss" under train/ and eval/: a twin, but no layer
            writer.AddScalar("eval/accuracy", 0.9, 100);
        }

        var result = TrainWatchCli.Run("inspect", dir.Path);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("scalar", StringComparison.Ordinal) && l.Contains("grad_norm/*", StringComparison.Ordinal) && l.Contains("  6  ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("6 each", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("histogram", StringComparison.Ordinal) && l.Contains("grads/*", StringComparison.Ordinal));

        // The training scalars have no layer: they keep their own rows.
        Assert.Contains(lines, l => l.StartsWith("scalar", StringComparison.Ordinal) && l.Contains("train/loss", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("* stands for 6 layers and parameters: layers.0.weight, layers.1.weight", StringComparison.Ordinal));
        Assert.DoesNotContain("grad_norm/layers.0.weight", result.Out);
        Assert.DoesNotContain(" loss", lines.Single(l => l.StartsWith("* stands for", StringComparison.Ordinal)));

        // 9 statistics, 4 training scalars and 2 eval metrics instead of 6 × 9 + 6 tags.
        int tableRows = lines.Count(l => l.StartsWith("scalar", StringComparison.Ordinal) || l.StartsWith("histogram", StringComparison.Ordinal));
        Assert.Equal(15, tableRows);
    }

    [Fact]
    public void Tags_lists_every_tag_and_globs_narrow_the_list_in_text_and_json()
    {
        using var dir = new TempDirectory();
        new WatcherRun { Layers = 6, LastStep = 100 }.Write(dir.Combine("run"), seed: 1);

        var every = TrainWatchCli.Run("inspect", dir.Path, "--tags");
        var narrowed = TrainWatchCli.Run("inspect", dir.Path, "--tags", "grad_norm/*");
        var json = TrainWatchCli.Run("inspect", dir.Path, "--json", "--tags", "train/*");

        Assert.Equal(0, every.ExitCode);
        Assert.Equal(6 * 9 + 4, every.Out.Split('\n').Count(l => l.StartsWith("scalar", StringComparison.Ordinal) || l.StartsWith("histogram", StringComparison.Ordinal)));
        var narrowedRows = narrowed.Out.Split('\n').Where(l => l.StartsWith("scalar", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, narrowedRows.Count);
        Assert.All(narrowedRows, r => Assert.Contains("grad_norm/layers.", r));
        var tags = System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("runs")[0].GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("tag").GetString()).ToList();
        Assert.Equal(["train/grad_norm", "train/loss", "train/lr", "train/steps_per_second"], tags);
    }
}
