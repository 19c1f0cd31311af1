using System.Text.Json;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Commands;

/// <summary><c>inspect</c> shows the model summary the watcher writes as the text <c>model/summary</c>.</summary>
public class InspectModelSummaryTests
{
    // As the watcher writes it for FaultZoo's GruClassifier on a batch of 5 (src/TrainWatch.TorchSharp/ModelSummaries).
    private const string GruSummary =
        "| # | module | type | output shape | parameters | trainable |\n" +
        "|--:|---|---|---|--:|---|\n" +
        "| 1 | `encoder.proj` | Linear | [5, 6, 16] | 144 | yes |\n" +
        "| 2 | `encoder.act` | ReLU | [5, 6, 16] | 0 |  |\n" +
        "| 3 | `encoder.gru` | GRU | output [5, 6, 16]<br>h_n [1, 5, 16] | 1,632 | yes |\n" +
        "| 4 | `head` | Linear | [5, 4] | 68 | no (frozen) |\n" +
        "\n" +
        "**1,844 parameters**: 1,776 trainable, 68 frozen. Input [5, 6, 8], step 0.\n";

    [Fact]
    public void The_json_has_the_model_summary_with_shapes_and_parameter_counts()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Combine("gru")))
        {
            writer.AddText("model/summary", GruSummary, 0);
            writer.AddScalar("train/loss", 1.5, 0);
        }

        var result = TrainWatchCli.Run("inspect", dir.Path, "--json");

        Assert.Equal(0, result.ExitCode);
        var summary = JsonDocument.Parse(result.Out).RootElement.GetProperty("runs")[0].GetProperty("model_summary");
        Assert.Equal(0, summary.GetProperty("step").GetInt64());
        Assert.Equal(1844, summary.GetProperty("total_parameters").GetInt64());
        Assert.Equal(1776, summary.GetProperty("trainable_parameters").GetInt64());
        Assert.Equal(68, summary.GetProperty("frozen_parameters").GetInt64());
        var modules = summary.GetProperty("modules").EnumerateArray().ToList();
        Assert.Equal(["encoder.proj", "encoder.act", "encoder.gru", "head"], modules.Select(m => m.GetProperty("path").GetString()));
        Assert.Equal(["Linear", "ReLU", "GRU", "Linear"], modules.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal([144L, 0, 1632, 68], modules.Select(m => m.GetProperty("parameters").GetInt64()));
        Assert.Equal(["yes", "", "yes", "no (frozen)"], modules.Select(m => m.GetProperty("trainable").GetString()));
        var gru = modules[2].GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["output", "h_n"], gru.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal([5L, 6, 16], gru[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([1L, 5, 16], gru[1].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal("", modules[0].GetProperty("outputs")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void The_text_view_prints_the_table_and_a_run_without_one_has_null()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Combine("gru")))
        {
            writer.AddText("model/summary", GruSummary, 0);
        }

        using (var writer = new SummaryWriter(dir.Combine("plain")))
        {
            writer.AddScalar("loss", 1, 0);
        }

        var text = TrainWatchCli.Run("inspect", dir.Path);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("model summary (forward pass of step 0)", text.Out);
        Assert.Contains("encoder.gru", text.Out);
        Assert.Contains("output [5, 6, 16]", text.Out);
        Assert.Contains("h_n [1, 5, 16]", text.Out);
        Assert.Contains("1,632", text.Out);
        Assert.Contains("1,844 parameters: 1,776 trainable, 68 frozen", text.Out);

        var json = JsonDocument.Parse(TrainWatchCli.Run("inspect", dir.Path, "--json").Out).RootElement.GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(JsonValueKind.Null, json["plain"].GetProperty("model_summary").ValueKind);
        Assert.Equal(JsonValueKind.Object, json["gru"].GetProperty("model_summary").ValueKind);
    }
}
