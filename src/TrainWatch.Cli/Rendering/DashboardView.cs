using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// Lays out <c>tail</c>'s dashboard: one panel per run holding, in this order, the headline scalars (latest value and a
/// sparkline), the layers worst health first, and the alerts newest first. Runs stand side by side when each still gets
/// <see cref="MinimumRunWidth"/> columns (two runs in an 80-column terminal), else one below the other. Every line is
/// cropped, never wrapped, so the dashboard keeps its height while values change under a live display.
/// </summary>
internal static class DashboardView
{
    /// <summary>The narrowest a run's panel gets before runs are stacked instead of set side by side.</summary>
    public const int MinimumRunWidth = 38;

    // How many layers and alerts a run's panel lists: the first that fits the height.
    private static readonly int[] s_listLengths = [5, 3, 2, 1];

    /// <summary>
    /// The widest a run's panel gets: a panel across a 200-column terminal (or a pipe, which Spectre lays out 200 wide)
    /// would put each latest value far from its label.
    /// </summary>
    public const int MaximumRunWidth = 100;

    /// <summary>The most values a sparkline draws: as many as the widest panel has room for.</summary>
    public const int MaxSparklineWidth = MaximumRunWidth;

    // Findings narrower than this go on a line of their own; an alert takes at most this many lines.
    private const int MinimumFindingsWidth = 30;
    private const int AlertLines = 2;
    private const string ContinuationIndent = "    ";

    // A panel's border and padding take two columns on each side.
    private const int PanelChrome = 4;
    private const int ValueWidth = 10;

    private static readonly Style s_heading = new(decoration: Decoration.Bold);
    private static readonly Style s_alert = new(Color.Red);
    private static readonly Style s_unhealthy = new(Color.Yellow);
    private static readonly Style s_quiet = new(decoration: Decoration.Dim);

    /// <summary>
    /// The dashboard of <paramref name="runs"/> for a terminal <paramref name="width"/> columns wide. Within
    /// <paramref name="height"/> rows when it can: the layer and alert lists shorten (5, 3, 2, then 1 entry) before a
    /// live view would have to crop its bottom, where the alerts are.
    /// </summary>
    public static IRenderable Build(IReadOnlyList<RunData> runs, int width, bool unicode, int height = int.MaxValue)
    {
        if (runs.Count == 0)
        {
            return new Text("no runs yet", s_quiet);
        }

        bool sideBySide = runs.Count > 1 && width / runs.Count >= MinimumRunWidth;
        int runWidth = Math.Min(MaximumRunWidth, sideBySide ? width / runs.Count : width);
        var states = runs.Select(RunState.Of).ToList();
        List<(string Header, List<IRenderable> Rows)> panels = [];
        foreach (int listed in s_listLengths)
        {
            panels = states.Select(state => RunRows(state, runWidth, unicode, listed)).ToList();

            // A panel's height is its rows plus its top and bottom borders.
            int rows = sideBySide ? panels.Max(p => p.Rows.Count) + 2 : panels.Sum(p => p.Rows.Count + 2);
            if (rows <= height)
            {
                break;
            }
        }

        // Fixed-width columns: expanded panels would otherwise stretch to the whole terminal.
        var grid = new Grid();
        for (int i = 0; i < (sideBySide ? runs.Count : 1); i++)
        {
            grid.AddColumn(new GridColumn().Width(runWidth).NoWrap().Padding(0, 0, 0, 0));
        }

        var rendered = panels.Select(p => new Panel(new Rows(p.Rows)).Header(p.Header).Expand()).ToList();
        if (sideBySide)
        {
            grid.AddRow(rendered.ToArray<IRenderable>());
        }
        else
        {
            foreach (var panel in rendered)
            {
                grid.AddRow(panel);
            }
        }

        return grid;
    }

    /// <summary>
    /// The one line under the dashboard that says what its marks mean, as long a version as fits <paramref name="width"/>
    /// (docs/cli.md has the long story).
    /// </summary>
    public static string Legend(int width, bool unicode)
    {
        string levels = unicode ? "▁▂▃▄▅▆▇█" : "_.-:=+*#";
        string[] versions =
        [
            $"legend: {levels} recent values, each line on its own scale · {Sparkline.NonFinite} NaN/Inf value or layer with an alert · ? unhealthy layer",
            $"legend: {levels} recent values, own scale · {Sparkline.NonFinite} NaN/Inf or layer with alert · ? unhealthy layer",
            $"legend: {levels[0]}..{levels[^1]} recent values · {Sparkline.NonFinite} NaN/Inf or alert · ? unhealthy layer",
            $"{levels[0]}..{levels[^1]} recent · {Sparkline.NonFinite} NaN/Inf, alert · ? unhealthy",
        ];
        return Cropped(versions.FirstOrDefault(v => v.Length <= width) ?? versions[^1], width);
    }

    private static (string Header, List<IRenderable> Rows) RunRows(RunState state, int width, bool unicode, int listed)
    {
        int inner = Math.Max(1, width - PanelChrome);
        var rows = new List<IRenderable>();
        rows.AddRange(HeadlineRows(state.Headlines, inner, unicode));
        rows.Add(Text.Empty);
        rows.AddRange(LayerRows(state.Layers, inner, listed));
        rows.Add(Text.Empty);
        rows.AddRange(state.Incidents.Count > 0 ? IncidentRows(state.Incidents, state.Alerts.Count, inner, listed) : AlertRows(state.Alerts, inner, listed));
        string header = string.Create(CultureInfo.InvariantCulture, $" {state.Run.Name} · step {state.LastStep} ");
        return (Markup.Escape(Cropped(header, inner)), rows);
    }

    private static IEnumerable<IRenderable> HeadlineRows(IReadOnlyList<HeadlineScalar> headlines, int inner, bool unicode)
    {
        if (headlines.Count == 0)
        {
            yield return Line("no loss, gradient norm or learning rate yet", inner, s_quiet);
            yield break;
        }

        int labelWidth = headlines.Max(h => h.Label.Length);
        int sparkWidth = Math.Clamp(inner - labelWidth - ValueWidth - 2, 0, MaxSparklineWidth);
        foreach (var headline in headlines)
        {
            string value = NumberText.Short(headline.Points[^1].Value);
            string spark = Sparkline.Draw(headline.Points.Select(p => p.Value).ToList(), sparkWidth, unicode);
            var style = headline.Kind == HeadlineKind.Loss ? s_heading : Style.Plain;
            yield return Line($"{headline.Label.PadRight(labelWidth)} {value,ValueWidth} {spark}", inner, style);
        }
    }

    private static IEnumerable<IRenderable> LayerRows(IReadOnlyList<LayerHealth> layers, int inner, int listed)
    {
        int unhealthy = layers.Count(l => l.IsUnhealthy);
        yield return Line(layers.Count == 0
            ? "layers: no per-layer statistics"
            : $"layers, worst first: {unhealthy}/{layers.Count} flagged", inner, s_heading);
        var shown = layers.Take(listed).ToList();
        int nameWidth = Math.Min(shown.Select(l => l.Layer.Length).DefaultIfEmpty(0).Max(), inner - 2);

        // In a narrow panel (runs side by side) the worst finding goes under the name rather than being cropped to nothing.
        bool findingsBelow = inner - nameWidth - 3 < MinimumFindingsWidth;
        int findingsShown = findingsBelow ? 1 : 2;
        foreach (var layer in shown)
        {
            (string mark, Style style) = layer.NewestAlertStep is not null ? ("!", s_alert) : layer.IsUnhealthy ? ("?", s_unhealthy) : (" ", s_quiet);
            string name = Cropped(layer.Layer, nameWidth).PadRight(nameWidth);
            string findings = string.Join(" · ", layer.Signals.Take(findingsShown).Select(s => s.Text));

            // Beside the name, the worst finding whole beats two cropped (runs side by side leave little room).
            if (!findingsBelow && nameWidth + 3 + findings.Length > inner && layer.Signals.Count > 0)
            {
                findings = layer.Signals[0].Text;
            }

            if (findingsBelow)
            {
                yield return Line($"{mark} {name}", inner, style);
                yield return Line($"    {findings}", inner, style);
            }
            else
            {
                yield return Line($"{mark} {name} {findings}", inner, style);
            }
        }

        if (layers.Count > listed)
        {
            int hidden = unhealthy - shown.Count(l => l.IsUnhealthy);
            yield return Line($"  +{layers.Count - listed} more, {(hidden == 0 ? "all healthy" : $"{hidden} flagged")}", inner, s_quiet);
        }
    }

    // One entry per fault: its root finding, the likely cause, and how many findings it explains (issue 22).
    private static IEnumerable<IRenderable> IncidentRows(IReadOnlyList<RunIncident> incidents, int findings, int inner, int listed)
    {
        yield return Line($"incidents, newest first: {incidents.Count} ({findings} finding{(findings == 1 ? "" : "s")})", inner, s_heading);
        foreach (var incident in incidents.Take(listed))
        {
            var start = incident.Start;
            string message = incident.Root?.Message ?? start.Kind;
            bool nameLayer = !start.Layer.StartsWith('(') && !message.StartsWith(start.Layer, StringComparison.Ordinal);
            string text = string.Create(CultureInfo.InvariantCulture, $"#{start.Id} step {start.Step} {(nameLayer ? start.Layer + ": " : string.Empty)}{message}");
            foreach (string line in Wrapped(text, inner, AlertLines))
            {
                yield return new Text(line, s_alert);
            }

            yield return Line($"  likely: {start.Cause}; try: {start.WhatToTry}", inner, s_quiet);
            var consequences = incident.Consequences.ToList();
            if (consequences.Count > 0)
            {
                string kinds = string.Join(", ", consequences.GroupBy(c => c.Kind).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}"));
                yield return Line($"  +{consequences.Count} finding{(consequences.Count == 1 ? "" : "s")} it explains: {kinds}", inner, s_quiet);
            }
        }

        if (incidents.Count > listed)
        {
            yield return Line($"  +{incidents.Count - listed} older (all of them: --json)", inner, s_quiet);
        }
    }

    private static IEnumerable<IRenderable> AlertRows(IReadOnlyList<DashboardAlert> alerts, int inner, int listed)
    {
        yield return Line(alerts.Count == 0 ? "alerts: none" : $"alerts, newest first: {alerts.Count}", inner, s_heading);
        foreach (var alert in alerts.Take(listed))
        {
            // The watcher's messages mostly start with the layer already; the global ones name "(global)", which says nothing more.
            bool nameLayer = alert.Layer is { Length: > 0 } layer && !layer.StartsWith('(') && !alert.Message.StartsWith(layer, StringComparison.Ordinal);
            string text = string.Create(CultureInfo.InvariantCulture, $"step {alert.Step} {(nameLayer ? alert.Layer + ": " : string.Empty)}{alert.Message}");
            foreach (string line in Wrapped(text, inner, AlertLines))
            {
                yield return new Text(line, s_alert);
            }
        }

        if (alerts.Count > listed)
        {
            yield return Line($"  +{alerts.Count - listed} older (all of them: --json)", inner, s_quiet);
        }
    }

    /// <summary>
    /// <paramref name="text"/> in lines of at most <paramref name="width"/>, broken at spaces, continuation lines
    /// indented; past <paramref name="maxLines"/> the last line is cropped.
    /// </summary>
    private static IEnumerable<string> Wrapped(string text, int width, int maxLines)
    {
        string rest = text;
        for (int line = 1; ; line++)
        {
            if (rest.Length <= width || line == maxLines)
            {
                yield return Cropped(rest, width);
                yield break;
            }

            int space = rest.LastIndexOf(' ', width);
            int cut = space > width / 2 ? space : width;
            yield return rest[..cut];
            rest = ContinuationIndent + rest[cut..].TrimStart();
        }
    }

    private static Text Line(string text, int inner, Style style) => new(Cropped(text, inner), style);

    private static string Cropped(string text, int width) =>
        text.Length <= width ? text : width <= 1 ? text[..width] : text[..(width - 1)] + "…";

    /// <summary>What one run's panel is drawn from, worked out once per refresh whatever the list lengths tried.</summary>
    private sealed record RunState(RunData Run, long LastStep, IReadOnlyList<HeadlineScalar> Headlines, IReadOnlyList<LayerHealth> Layers, IReadOnlyList<DashboardAlert> Alerts, IReadOnlyList<RunIncident> Incidents)
    {
        public static RunState Of(RunData run)
        {
            var alerts = AlertTexts.Newest(run);
            long lastStep = run.Tags.Values.Where(t => t.Count > 0).Select(t => t.LastStep).DefaultIfEmpty(0).Max();
            return new RunState(run, lastStep, HeadlineSelection.Select(run), LayerHealthRanking.Rank(run, alerts), alerts, RunIncident.Of(run, alerts));
        }
    }
}
