using System.Text.RegularExpressions;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Commands;

/// <summary>
/// Every line the text commands print fits the width they are given (<c>COLUMNS</c>, 80 off a terminal), on runs as the
/// watcher writes them: run B's learning rate ×5 from step 400, so diff has a verdict, diverging layers and notes to wrap.
/// </summary>
public sealed class TerminalFitTests : IClassFixture<TerminalFitTests.Runs>
{
    private readonly Runs _runs;

    public TerminalFitTests(Runs runs) => _runs = runs;

    /// <summary>Two runs written once for all the tests of this class.</summary>
    public sealed class Runs : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public Runs()
        {
            new WatcherRun { Layers = 12 }.Write(A, seed: 1);
            new WatcherRun
            {
                Layers = 12,
                LearningRate = step => step >= 400 ? 0.05 : 0.01,
                Gradient = (i, step) => step >= 400 ? Math.Exp((step - 400) / 100.0 * (1 + 0.1 * i)) : 1,
            }.Write(B, seed: 2);
            using var writer = new SummaryWriter(B);
            writer.AddText("model/summary", ModelSummary, 0);
        }

        public string Root => _directory.Path;

        public string A => _directory.Combine("baseline_with_a_long_descriptive_run_name");

        public string B => _directory.Combine("high_learning_rate_from_step_400_and_more");

        public void Dispose() => _directory.Dispose();
    }

    private const string ModelSummary =
        "| # | module | type | output shape | parameters | trainable |\n" +
        "|--:|---|---|---|--:|---|\n" +
        "| 1 | `encoder.blocks.0.convolution_transpose` | ConvTranspose2d | [64, 128, 32, 32] | 147,584 | yes |\n" +
        "| 2 | `head` | Linear | [64, 10] | 1,290 | no (frozen) |\n" +
        "\n" +
        "**148,874 parameters**: 147,584 trainable, 1,290 frozen. Input [64, 3, 32, 32], step 0.\n";

    public static TheoryData<int> Widths => [80, 100];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Diff_fits_the_width_and_keeps_the_verdict_and_every_tag(int columns)
    {
        var result = TrainWatchCli.RunAt(columns, "diff", _runs.A, _runs.B);

        Assert.Equal(1, result.ExitCode);
        AssertFits(result.Out, columns);
        Assert.Contains("ROOT CAUSE: run B's learning rate", result.Out);

        // The tag column is not squeezed: every tag of the ranked table stands whole on its row (the issue's 100-column
        // diff split 'grads/enc2' from '.bias').
        var lines = result.Out.Split('\n');
        for (int i = 0; i < 12; i++)
        {
            Assert.Contains(lines, l => Regex.IsMatch(l, $@"^\s*\d+\s+grads/layers\.{i}\.weight\s"));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Inspect_and_its_full_tag_list_fit_the_width(int columns)
    {
        var compact = TrainWatchCli.RunAt(columns, "inspect", _runs.Root);
        var full = TrainWatchCli.RunAt(columns, "inspect", _runs.Root, "--tags");

        Assert.Equal(0, compact.ExitCode);
        Assert.Equal(0, full.ExitCode);
        AssertFits(compact.Out, columns);
        AssertFits(full.Out, columns);
        Assert.Contains("ConvTranspose2d", compact.Out);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Tail_once_fits_the_width_as_dashboard_and_as_tag_table(int columns)
    {
        var dashboard = TrainWatchCli.RunAt(columns, "tail", _runs.Root, "--once");
        var tags = TrainWatchCli.RunAt(columns, "tail", _runs.Root, "--once", "--tags");

        Assert.Equal(0, dashboard.ExitCode);
        Assert.Equal(0, tags.ExitCode);
        AssertFits(dashboard.Out, columns);
        AssertFits(tags.Out, columns);
    }

    [Fact]
    public void Piped_output_without_columns_is_laid_out_in_80_columns()
    {
        var result = TrainWatchCli.Run("diff", _runs.A, _runs.B);

        AssertFits(result.Out, 80);

        // Not merely short: the ranked table uses the room it has.
        Assert.Contains(result.Out.Split('\n'), line => line.TrimEnd('\r').Length > 70);
    }

    private static void AssertFits(string output, int columns)
    {
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        Assert.True(lines.Length > 5, output);
        var tooWide = lines.Where(l => l.Length > columns).ToList();
        Assert.True(tooWide.Count == 0, $"{tooWide.Count} line(s) over {columns} columns, e.g.:\n{string.Join("\n", tooWide.Take(3))}\n---\n{output}");
    }
}
