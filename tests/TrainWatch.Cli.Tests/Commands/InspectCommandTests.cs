using System.Text.Json;
using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;
using TrainWatch.Protos;

namespace TrainWatch.Cli.Tests.Commands;

public class InspectCommandTests
{
    [Fact]
    public void Nested_runs_are_found_and_tags_are_listed_by_kind_with_counts_and_step_ranges()
    {
        using var dir = new TempDirectory();
        using (var train = new SummaryWriter(dir.Combine("runs", "exp1", "train")))
        {
            for (int step = 0; step < 5; step++)
            {
                train.AddScalar("loss", 1.0 / (step + 1), step * 10);
                train.AddHistogram("fc.weight", [0.1f, 0.2f, -0.3f], step * 10);
            }

            train.AddText("alerts/nan", "NaN in fc.weight", 40);
        }

        using (var val = new EventFileWriter(dir.Combine("runs", "exp1", "val")))
        {
            val.Write(7, new Summary { Value = { TestRuns.TensorScalar("accuracy", 0.5f, withMetadata: true) } });
            val.Write(8, new Summary { Value = { TestRuns.TensorScalar("accuracy", 0.75f, withMetadata: false) } });
        }

        using (var hidden = new SummaryWriter(dir.Combine("runs", ".hidden")))
        {
            hidden.AddScalar("loss", 1, 0);
        }

        var result = TrainWatchCli.Run("inspect", dir.Combine("runs"), "--json");

        Assert.Equal(0, result.ExitCode);
        var runs = JsonDocument.Parse(result.Out).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([".hidden", "exp1/train", "exp1/val"], runs.Select(r => r.GetProperty("name").GetString()));
        runs.RemoveAt(0);
        var trainTags = runs[0].GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("tag").GetString()!);
        Assert.Equal("scalar", trainTags["loss"].GetProperty("kind").GetString());
        Assert.Equal(5, trainTags["loss"].GetProperty("count").GetInt32());
        Assert.Equal(0, trainTags["loss"].GetProperty("first_step").GetInt32());
        Assert.Equal(40, trainTags["loss"].GetProperty("last_step").GetInt32());
        Assert.Equal("histogram", trainTags["fc.weight"].GetProperty("kind").GetString());
        Assert.Equal("text", trainTags["alerts/nan"].GetProperty("kind").GetString());

        // The plugin arrives only with the first tensor scalar; the second must still count as a scalar.
        var accuracy = runs[1].GetProperty("tags")[0];
        Assert.Equal("scalar", accuracy.GetProperty("kind").GetString());
        Assert.Equal("scalars", accuracy.GetProperty("plugin").GetString());
        Assert.Equal(2, accuracy.GetProperty("count").GetInt32());
    }

    [Fact]
    public void The_text_view_lists_runs_files_and_tags()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Combine("run1")))
        {
            writer.AddScalar("loss", 0.5, 3);
        }

        var result = TrainWatchCli.Run("inspect", dir.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("run run1", result.Out);
        Assert.Contains("scalar", result.Out);
        Assert.Contains("loss", result.Out);
        Assert.Contains("1 run(s), 1 file(s): 0 with problems", result.Out);
        Assert.Equal(string.Empty, result.Error);
    }
}
