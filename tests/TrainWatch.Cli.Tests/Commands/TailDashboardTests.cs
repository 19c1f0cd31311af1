using System.Collections.Concurrent;
using Spectre.Console.Testing;
using TrainWatch.Cli.Commands;
using TrainWatch.Cli.Reading;
using TrainWatch.Cli.Rendering;
using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Commands;

/// <summary><c>tail</c>'s default view, rendered on Spectre's test console at 80 columns.</summary>
public class TailDashboardTests
{
    private const int TerminalWidth = 80;

    [Fact]
    public void The_headline_block_comes_first_and_holds_the_loss()
    {
        using var dir = new TempDirectory();
        new WatcherRun { LastStep = 400 }.Write(dir.Combine("run"), seed: 1);
        using (var writer = new SummaryWriter(dir.Combine("run")))
        {
            writer.AddScalar("train/loss", 0.4321, 420);
        }

        var (exitCode, lines) = TailOnce(dir.Path);

        Assert.Equal(0, exitCode);
        int loss = lines.FindIndex(l => l.Contains("│ loss", StringComparison.Ordinal));
        int layers = lines.FindIndex(l => l.Contains("layers, worst first", StringComparison.Ordinal));
        int alerts = lines.FindIndex(l => l.Contains("alerts: none", StringComparison.Ordinal));
        Assert.Equal(1, loss); // right under the run's header
        Assert.True(loss < layers && layers < alerts, string.Join('\n', lines));
        Assert.Contains("0.4321", lines[loss]);
        Assert.Contains("grad norm", lines[loss + 1]);

        // The sparkline draws the recent history (the reader kept more than the latest value), not one mark.
        Assert.Matches("0\\.4321 [▁▂▃▄▅▆▇█]{20,}", lines[loss]);
        Assert.All(lines, l => Assert.True(l.Length <= TerminalWidth, $"wider than {TerminalWidth} columns: '{l}'"));
    }

    [Fact]
    public void A_run_with_an_alert_shows_it_and_its_layer_heads_the_layers()
    {
        using var dir = new TempDirectory();
        new WatcherRun { LastStep = 400 }.Write(dir.Combine("run"), seed: 2);
        using (var writer = new SummaryWriter(dir.Combine("run")))
        {
            writer.AddText("alerts/exploding_gradient", "**step 400** · `layers.5.weight` · layers.5.weight: gradient norm 40× its recent max (exploding)  \n", 400);
        }

        var (exitCode, lines) = TailOnce(dir.Path);

        Assert.Equal(0, exitCode);
        int layersHeading = lines.FindIndex(l => l.Contains("layers, worst first", StringComparison.Ordinal));
        Assert.Contains("! layers.5", lines[layersHeading + 1]);
        Assert.Contains("alert exploding_gradient @400", lines[layersHeading + 1]);
        Assert.Contains(lines, l => l.Contains("alerts, newest first: 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("step 400 layers.5.weight: gradient norm 40× its recent max", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_runs_stand_side_by_side_in_80_columns()
    {
        using var dir = new TempDirectory();
        new WatcherRun { LastStep = 200 }.Write(dir.Combine("baseline"), seed: 3);
        new WatcherRun { LastStep = 200, LearningRate = _ => 1.0 }.Write(dir.Combine("high_lr"), seed: 3);

        var (_, lines) = TailOnce(dir.Path);

        Assert.Contains("baseline", lines[0]);
        Assert.Contains("high_lr", lines[0]);
        string lossLine = lines.Single(l => l.Contains("│ loss ", StringComparison.Ordinal));
        Assert.Equal(2, lossLine.Split("│ loss ").Length - 1);
        Assert.All(lines, l => Assert.True(l.Length <= TerminalWidth, $"wider than {TerminalWidth} columns: '{l}'"));

        // lr 1.0 puts update ratios ~100× off 1e-3: that run flags layers, the baseline none.
        string header = lines.Single(l => l.Contains("layers, worst first", StringComparison.Ordinal));
        Assert.Contains("0/8 flagged", header[..(TerminalWidth / 2)]);
        Assert.Contains("8/8 flagged", header[(TerminalWidth / 2)..]);
    }

    [Fact]
    public async Task A_new_event_appears_within_the_refresh_interval()
    {
        using var dir = new TempDirectory();
        using var writer = new EventFileWriter(dir.Combine("run"), new EventWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(10) });
        writer.Write(1, ScalarSummary.Build("train/loss", 1.0));
        writer.Flush();
        using var console = new TestConsole().Width(TerminalWidth).Height(40);
        var context = new CliContext(new StringWriter(), new StringWriter(), Interactive: true);
        var settings = new TailSettings(dir.Path, Once: false, Duration: null, Interval: 0.2, TagGlob.All, Json: false);

        // What the console showed after each refresh, copied on the drawing thread so a copy is never taken mid-draw.
        var refreshes = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var tail = Task.Run(() => TailCommand.RunAsync(context, settings, console, stop.Token, () => refreshes.Enqueue(console.Output)));
        await Eventually.WaitFor(() => refreshes.Any(r => r.Contains("│ loss", StringComparison.Ordinal)), "the first loss");

        writer.Write(2, TextSummary.Build("alerts/dead_units", DashboardRuns.WatcherAlert(2, "fc1", "fc1: 9 of 16 units are zero")));
        writer.Flush();
        int refreshesBefore = refreshes.Count;
        await Eventually.WaitFor(() => refreshes.Any(r => r.Contains("9 of 16 units", StringComparison.Ordinal)), "the new alert");
        await stop.CancelAsync();
        int exitCode = await tail.WaitAsync(TimeSpan.FromSeconds(30));

        // A refresh already reading when the event landed may miss it; the next one, one interval later, must show it.
        int firstShowing = refreshes.ToList().FindIndex(r => r.Contains("9 of 16 units", StringComparison.Ordinal));
        Assert.InRange(firstShowing, 0, refreshesBefore + 1);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void Tags_keeps_the_full_table_of_every_tag()
    {
        using var dir = new TempDirectory();
        new WatcherRun { LastStep = 100 }.Write(dir.Combine("run"), seed: 4);

        var dashboard = TrainWatchCli.Run("tail", dir.Path, "--once");
        var table = TrainWatchCli.Run("tail", dir.Path, "--once", "--tags");
        var filtered = TrainWatchCli.Run("tail", dir.Path, "--once", "--tags", "update_ratio/*");

        Assert.Equal(0, table.ExitCode);
        Assert.DoesNotContain("grad_inf_count/layers.7.weight", dashboard.Out);
        Assert.Contains("grad_inf_count/layers.7.weight", table.Out);
        Assert.Contains("update_ratio/layers.7.weight", table.Out);
        Assert.Contains("update_ratio/layers.7.weight", filtered.Out);
        Assert.DoesNotContain("grad_inf_count/layers.7.weight", filtered.Out);
    }

    [Fact]
    public void The_dashboard_explains_its_marks_in_one_line_and_draws_as_much_history_as_fits()
    {
        using var dir = new TempDirectory();
        new WatcherRun { LastStep = 1000 }.Write(dir.Combine("run"), seed: 4);

        var result = TrainWatchCli.RunAt(100, "tail", dir.Path, "--once");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        string legend = Assert.Single(lines, l => l.StartsWith("legend:", StringComparison.Ordinal));
        Assert.Contains("! NaN/Inf", legend);
        Assert.Contains("? unhealthy", legend);

        // 51 samples logged; a 100-column panel has room for all of them (the old cap drew 32).
        string loss = Assert.Single(lines, l => l.Contains("│ loss", StringComparison.Ordinal));
        Assert.Matches("[▁▂▃▄▅▆▇█]{51}", loss);
    }

    private static (int ExitCode, List<string> Lines) TailOnce(string logDirectory)
    {
        using var console = new TestConsole().Width(TerminalWidth);
        var context = new CliContext(new StringWriter(), new StringWriter(), Interactive: false);
        var settings = new TailSettings(logDirectory, Once: true, Duration: null, Interval: 1, TagGlob.All, Json: false);
        int exitCode = TailCommand.RunAsync(context, settings, console, CancellationToken.None).GetAwaiter().GetResult();
        return (exitCode, console.Lines.ToList());
    }
}
