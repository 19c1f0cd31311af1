using Spectre.Console.Testing;
using TrainWatch.Cli.Reading;
using TrainWatch.Cli.Rendering;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Rendering;

public class DashboardViewTests
{
    [Fact]
    public void In_a_short_terminal_the_lists_shorten_so_the_newest_alert_still_shows()
    {
        var troubled = Troubled("troubled");
        var steady = DashboardRuns.With(("train/loss", [1, 0.5]), ("update_ratio/fc1.weight", [1e-3]));

        var tall = Render([troubled, steady], height: int.MaxValue);
        var fitted = Render([troubled, steady], height: 24);

        Assert.True(tall.Count > 24, "the test needs a dashboard taller than the terminal");
        Assert.True(fitted.Count <= 24, string.Join('\n', fitted));
        Assert.Contains(fitted, l => l.Contains("step 90 layer9.weight:", StringComparison.Ordinal));
        Assert.Contains(fitted, l => l.Contains("! layer9", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_line_fits_80_columns_even_with_long_names()
    {
        string longLayer = new('m', 90);
        var run = DashboardRuns.With(("train/loss", [1, 0.5]), ($"update_ratio/{longLayer}.weight", [1e-7]))
            .WithText("alerts/unchanged_weights", 10, DashboardRuns.WatcherAlert(10, longLayer, $"{longLayer}: weights did not change " + new string('x', 200)))
            .Named(new string('r', 120));

        var lines = Render([run], height: int.MaxValue);

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"wider than 80 columns: '{l}'"));
        Assert.Contains(lines, l => l.Contains("! mmm", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("step 10 mmm", StringComparison.Ordinal));
    }

    [Fact]
    public void Side_by_side_a_layer_shows_its_worst_finding_whole_rather_than_two_cropped()
    {
        // Two findings: an update ratio far below 1e-3 and a gradient norm that jumped ×50 against its median.
        RunData Run(string name) => DashboardRuns.With(
                ("train/loss", [1, 0.5]),
                ("update_ratio/enc1.weight", [1e-7]),
                ("grad_norm/enc1.weight", [1, 1, 1, 1, 50]))
            .Named(name);

        using var console = new TestConsole().Width(100);
        console.Write(DashboardView.Build([Run("a"), Run("b")], 100, unicode: true));
        var lines = console.Lines.ToList();

        var layerLines = lines.Where(l => l.Contains("enc1", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(layerLines);
        Assert.All(layerLines, l => Assert.DoesNotContain("…", l));
        Assert.All(layerLines, l => Assert.Matches("(update ratio|grad norm) \\S+", l));
    }

    // A run with ten layers, each named by an alert, one alert per step (layer9's the newest).
    private static RunData Troubled(string name)
    {
        var run = DashboardRuns.With([("train/loss", [1, 2, 4]), .. Enumerable.Range(0, 10).Select(i => ($"update_ratio/layer{i}.weight", new[] { 1e-3 }))]).Named(name);
        for (int i = 0; i < 10; i++)
        {
            run.WithText("alerts/exploding_gradient", i * 10, DashboardRuns.WatcherAlert(i * 10, $"layer{i}.weight", $"gradient norm {i + 10}× its recent max"));
        }

        return run;
    }

    [Fact]
    public void A_run_with_incidents_lists_one_entry_per_fault_with_its_cause_and_what_it_explains()
    {
        // Incident 1: a dead ReLU (root) and the vanishing gradients it caused two samples later; incident 2: an lr jump.
        var run = DashboardRuns.With(("train/loss", [1, 0.5]))
            .WithText("alerts/dead_units", 100, DashboardRuns.WatcherAlert(100, "down.act", "down.act: 16 of 16 units are zero", incident: 1))
            .WithText("alerts/incidents", 100, DashboardRuns.WatcherIncident(1, 100, "down.act", "dead_units", "dead-relu", "ReLU units died", "lower the learning rate"))
            .WithText("alerts/vanishing_gradient", 120, DashboardRuns.WatcherAlert(120, "up1.weight", "gradient vanished", incident: 1) + DashboardRuns.WatcherAlert(120, "up2.weight", "gradient vanished", incident: 1))
            .WithText("alerts/learning_rate_jump", 300, DashboardRuns.WatcherAlert(300, "lr", "lr ×10", incident: 2))
            .WithText("alerts/incidents", 300, DashboardRuns.WatcherIncident(2, 300, "lr", "learning_rate_jump", "lr-too-high", "the learning rate is too high", "lower it"));

        var lines = Render([run], height: int.MaxValue);

        Assert.Contains(lines, l => l.Contains("incidents, newest first: 2 (4 findings)", StringComparison.Ordinal));
        int newest = lines.FindIndex(l => l.Contains("#2 step 300", StringComparison.Ordinal));
        int older = lines.FindIndex(l => l.Contains("#1 step 100 down.act: 16 of 16 units are zero", StringComparison.Ordinal));
        Assert.True(newest >= 0 && older > newest, string.Join('\n', lines));
        Assert.Contains(lines, l => l.Contains("likely: ReLU units died; try: lower the learning rate", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("+2 findings it explains: vanishing_gradient ×2", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("up1.weight", StringComparison.Ordinal)); // consequences are counted, not listed
    }

    private static List<string> Render(IReadOnlyList<RunData> runs, int height)
    {
        using var console = new TestConsole().Width(80);
        console.Write(DashboardView.Build(runs, 80, unicode: true, height));
        return console.Lines.ToList();
    }
}
