using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Rendering;

/// <summary>
/// The HTML report read back as its charts (each inline SVG parsed as XML): training curves first, a legend naming A and
/// B everywhere, both runs visible where they coincide, and the onsets the text report prints.
/// </summary>
public sealed partial class DiffHtmlReportTests : IClassFixture<DiffHtmlReportTests.Report>
{
    private readonly Report _report;

    public DiffHtmlReportTests(Report report) => _report = report;

    /// <summary>
    /// Run B: the learning rate ×5 from step 400, after which the gradients grow, the deepest layers fastest — a verdict
    /// with a learning rate, diverging layers and tags over the threshold. The diff is run once, as text and as HTML.
    /// </summary>
    public sealed class Report : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public Report()
        {
            new WatcherRun { Layers = 6 }.Write(_directory.Combine("baseline"), seed: 1);
            new WatcherRun
            {
                Layers = 6,
                LearningRate = step => step >= 400 ? 0.05 : 0.01,
                Gradient = (i, step) => step >= 400 ? Math.Exp((step - 400) / 100.0 * (1 + 0.2 * i)) : 1,
            }.Write(_directory.Combine("high_lr"), seed: 2);
            string html = _directory.Combine("report.html");
            Text = TrainWatchCli.RunAt(200, "diff", _directory.Combine("baseline"), _directory.Combine("high_lr"), "--html", html);
            Html = File.ReadAllText(html);
            Charts = SvgElement().Matches(Html).Select(m => XElement.Parse(m.Value)).ToList();
        }

        public CliResult Text { get; }

        public string Html { get; }

        public IReadOnlyList<XElement> Charts { get; }

        public void Dispose() => _directory.Dispose();
    }

    [Fact]
    public void The_first_charts_are_the_loss_then_the_learning_rate_a_against_b()
    {
        Assert.Equal(1, _report.Text.ExitCode);
        Assert.Equal(["loss", "lr", "grad_norm"], _report.Charts.Take(3).Select(Chart));
        foreach (var curve in _report.Charts.Take(3))
        {
            Assert.Equal(["A", "B"], Polylines(curve).Select(p => (string?)p.Attribute("data-run")).Where(r => r is not null));
        }
    }

    [Fact]
    public void Every_chart_has_a_legend_naming_a_and_b()
    {
        Assert.True(_report.Charts.Count > 10, "the report should have curves, layer and tag charts");
        foreach (var chart in _report.Charts)
        {
            var legend = chart.Elements().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "legend");
            string text = string.Join(" | ", legend.Elements().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
            Assert.Matches(@"\bA\b", text);
            Assert.Matches(@"\bB\b", text);
        }
    }

    [Fact]
    public void Where_a_and_b_coincide_both_stay_visible_a_wide_and_pale_under_b_dashed()
    {
        foreach (var chart in _report.Charts.Where(c => Chart(c) is "loss" or "lr" or "grad_norm" or "layer-grad-norm"))
        {
            var lines = Polylines(chart).ToList();
            var a = lines.Single(p => (string?)p.Attribute("data-run") == "A");
            var b = lines.Single(p => (string?)p.Attribute("data-run") == "B");
            Assert.True(lines.IndexOf(a) < lines.IndexOf(b), "B is drawn over A");
            Assert.True(Number(a, "stroke-width") >= 2 * Number(b, "stroke-width"), "A is wider, so it shows on both sides of B");
            Assert.True(Number(a, "stroke-opacity") < 1, "A is translucent");
            Assert.NotNull(b.Attribute("stroke-dasharray"));
        }
    }

    [Fact]
    public void The_onsets_marked_are_the_ones_the_text_report_prints()
    {
        string text = _report.Text.Out;
        var charts = _report.Charts;

        // The training curves: "loss: B leaves A from step N", "learning rate: 'train/lr' of B is ×5 A's from step N".
        Assert.Equal(Step(text, @"^loss: B leaves A from step (\d+)"), Onset(charts.Single(c => Chart(c) == "loss")));
        Assert.Equal(Step(text, @"^learning rate: 'train/lr' of B is .* from step (\d+)"), Onset(charts.Single(c => Chart(c) == "lr")));

        // Each diverging layer's chart against its row of the layers table (#, layer, onset, ...).
        var layerRows = LayerRow().Matches(text).ToDictionary(m => m.Groups["layer"].Value, m => long.Parse(m.Groups["onset"].Value, CultureInfo.InvariantCulture));
        var layerCharts = ChartDivs().Matches(_report.Html).ToDictionary(m => m.Groups["layer"].Value, m => Onset(XElement.Parse(m.Groups["svg"].Value)));
        Assert.NotEmpty(layerCharts);
        foreach (var (layer, onset) in layerCharts)
        {
            Assert.Equal(layerRows[layer], onset);
        }

        // Each tag's distance chart against the onset column of the ranked table (#, tag, max d, at step, onset, ...).
        var tagRows = TagRow().Matches(text).ToDictionary(m => m.Groups["tag"].Value, m => m.Groups["onset"].Value == "-" ? (long?)null : long.Parse(m.Groups["onset"].Value, CultureInfo.InvariantCulture));
        var distances = charts.Where(c => Chart(c) == "distance").Select(Onset).ToList();
        Assert.Equal(tagRows.Count, distances.Count);
        Assert.Equal(tagRows.Values, distances); // both in rank order
        Assert.Contains(distances, d => d is not null);
    }

    [Fact]
    public void Axis_labels_are_compact_and_titles_sit_above_the_plot_area()
    {
        foreach (var chart in _report.Charts)
        {
            var labels = chart.Elements().Where(e => (string?)e.Attribute("class") is "y-tick" or "x-tick").Select(e => e.Value).ToList();
            Assert.True(labels.Count >= 2, "a chart without tick labels cannot be read");
            Assert.All(labels, l => Assert.Matches(@"^-?\d+(\.\d+)?(e-?\d+)?$", l));
            Assert.All(labels, l => Assert.True(l.Length <= 7, l));

            var plotArea = chart.Elements().First(e => e.Name.LocalName == "rect");
            double top = Number(plotArea, "y");
            var title = chart.Elements().Single(e => (string?)e.Attribute("class") == "chart-title");
            Assert.True(Number(title, "y") < top, "the title is drawn above the data");

            // Every y label lies inside the picture: its right end at the plot's left edge, its text narrower than the margin.
            double left = Number(plotArea, "x");
            Assert.True(left >= 6.2 * labels.Max(l => l.Length), $"margin {left} for '{labels.MaxBy(l => l.Length)}'");
        }
    }

    private static string? Chart(XElement svg) => (string?)svg.Attribute("data-chart");

    private static IEnumerable<XElement> Polylines(XElement svg) => svg.Elements().Where(e => e.Name.LocalName == "polyline");

    private static long? Onset(XElement svg) => svg.Elements()
        .Where(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "onset")
        .Select(e => (long?)long.Parse((string)e.Attribute("data-step")!, CultureInfo.InvariantCulture))
        .SingleOrDefault();

    private static double Number(XElement element, string attribute) =>
        double.Parse((string?)element.Attribute(attribute) ?? "1", CultureInfo.InvariantCulture);

    private static long Step(string text, string pattern) =>
        long.Parse(Regex.Match(text, pattern, RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex("<svg.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();

    [GeneratedRegex(@"<div class=""chart"" data-layer=""(?<layer>[^""]+)"">(?<svg><svg.*?</svg>)</div>", RegexOptions.Singleline)]
    private static partial Regex ChartDivs();

    [GeneratedRegex(@"^\s*\d+\s+(?<layer>layers\.\d+\.weight)\s+(?<onset>\d+)\s+\d+\s", RegexOptions.Multiline)]
    private static partial Regex LayerRow();

    [GeneratedRegex(@"^\s*\d+\s+(?<tag>(grads|weights)/\S+)\s+\S+\s+\S+\s+(?<onset>\d+|-)\s", RegexOptions.Multiline)]
    private static partial Regex TagRow();
}
