using TrainWatch.RunFormat;

namespace TrainWatch.Tests.RunFormat;

/// <summary>The model summary's writer and parser are each other's inverse, on the text the watcher writes.</summary>
public class ModelSummaryTextTests
{
    // As the watcher writes it for FaultZoo's GruClassifier on a batch of 5, with its head frozen.
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
    public void Parse_reads_every_row_and_the_totals()
    {
        var summary = ModelSummaryText.Parse(GruSummary)!;

        Assert.Equal((1844, 1776, 68), (summary.TotalParameters, summary.TrainableParameters, summary.FrozenParameters));
        Assert.Equal(["encoder.proj", "encoder.act", "encoder.gru", "head"], summary.Modules.Select(m => m.Path));
        Assert.Equal([144L, 0, 1632, 68], summary.Modules.Select(m => m.Parameters ?? -1));
        Assert.Equal(["yes", "", "yes", "no (frozen)"], summary.Modules.Select(m => m.Trainable));
        var gru = summary.Modules[2].Outputs;
        Assert.Equal(["output", "h_n"], gru.Select(o => o.Name));
        Assert.Equal([1L, 5, 16], gru[1].Shape);
    }

    [Fact]
    public void Format_writes_back_the_text_it_was_parsed_from()
    {
        var parsed = ModelSummaryText.Parse(GruSummary)!;

        string written = ModelSummaryText.Format(parsed with { InputShape = [5, 6, 8], Step = 0 });

        Assert.Equal(GruSummary, written);
    }

    [Fact]
    public void Awkward_names_shared_modules_and_modules_not_called_survive_the_round_trip()
    {
        var summary = new ModelSummary(
            [
                new ModelSummaryModule("", "My|Model", [new ModelSummaryOutput("", [2, 3])], 0, ModelSummaryModule.TrainableText(0, 0)),
                new ModelSummaryModule("a|b", "Linear", [new ModelSummaryOutput("", [2, 4])], 1_000_000, ModelSummaryModule.TrainableText(1_000_000, 10)),
                new ModelSummaryModule("a|b", "Linear", [new ModelSummaryOutput("", [2, 4])], null, ModelSummaryModule.TrainableText(null, null)),
            ],
            1_000_012,
            10,
            1_000_002)
        {
            NotCalled = [new ModelSummaryUnusedModule("spare", 12)],
        };

        string text = ModelSummaryText.Format(summary);
        var back = ModelSummaryText.Parse(text)!;

        Assert.Contains("| 2 | `a\\|b` | Linear | [2, 4] | 1,000,000 | partly (10) |\n", text);
        Assert.Contains("| 3 | `a\\|b` | Linear | [2, 4] | shared |  |\n", text);
        Assert.EndsWith("**1,000,012 parameters**: 10 trainable, 1,000,002 frozen. Not called in that forward pass: `spare` (12 parameters).\n", text);
        Assert.Equal(["", "a|b", "a|b"], back.Modules.Select(m => m.Path));
        Assert.Equal("My|Model", back.Modules[0].Type);
        Assert.Equal([0L, 1_000_000, -1], back.Modules.Select(m => m.Parameters ?? -1));
        Assert.Equal(["", "partly (10)", ""], back.Modules.Select(m => m.Trainable));
    }

    [Fact]
    public void Text_without_a_totals_line_is_not_a_summary() =>
        Assert.Null(ModelSummaryText.Parse("| 1 | `fc` | Linear | [2, 4] | 12 | yes |\n"));
}
