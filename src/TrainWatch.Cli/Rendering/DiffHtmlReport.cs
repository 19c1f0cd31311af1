using System.Globalization;
using System.Net;
using System.Text;
using TrainWatch.Cli.Analysis;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// The diff as one self-contained HTML file (inline SVG, no scripts, no external files). In this order: the verdict and
/// its evidence; the training curves, A against B (loss first, then the learning rates and the global gradient norm);
/// the diverging layers, as a table with the text report's columns and as gradient-norm charts (A and B on a log axis,
/// onset marked); the ranked tag table; and per tag, both runs' distributions over steps as quantile bands (like
/// TensorBoard's Distributions tab, on a shared value axis) and the distance curve with the threshold and the onset.
/// Every chart has a legend naming A and B; the onsets marked are the text report's.
/// </summary>
internal static class DiffHtmlReport
{
    // The cause and its first followers; a page with 100 layer charts hides the one that matters.
    private const int MaxLayerCharts = 8;
    private const double ChartWidth = 430;
    private const double ChartHeight = 250;

    /// <summary>Run A's colour.</summary>
    public const string ColorA = "#1565c0";

    /// <summary>Run B's colour.</summary>
    public const string ColorB = "#e65100";

    private const string OnsetColor = "#b00020";

    /// <summary>Writes the report to <paramref name="path"/>.</summary>
    public static void Write(DiffResult result, string path)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>trainwatch diff</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}table{border-collapse:collapse;margin:8px 0}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}td.n,th.n{text-align:right}")
            .Append(".verdict{margin:16px 0;padding:8px 12px;border:1px solid #ddd;background:#fcfcfc}.tag{margin:28px 0;border-top:2px solid #eee;padding-top:8px}.flag{color:#b00020}.row{display:flex;gap:10px;flex-wrap:wrap}")
            .Append(".a{color:" + ColorA + ";font-weight:600}.b{color:" + ColorB + ";font-weight:600}")
            .Append("</style></head><body>");
        html.Append($"<h1>trainwatch diff</h1><p><span class=\"a\">A</span> (solid): <code>{Encode(result.RunA.Directory)}</code><br><span class=\"b\">B</span> (dashed): <code>{Encode(result.RunB.Directory)}</code></p>");
        AppendVerdict(html, result);
        AppendTrainingCurves(html, result);
        AppendDivergingLayers(html, result);
        html.Append("<h2>Histogram tags</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>d = W1(A,B) / sqrt((E_A[x²] + E_B[x²]) / 2), between 0 (same distribution) and 2. Threshold: {result.Options.Threshold:G4}. Onset = first common step with d above it; norm onset = change point of ln(norm B/A).</p>");
        html.Append($"<p><b>{Encode(DiffTextReport.Summarize(result))}</b></p>");
        foreach (string note in result.Notes)
        {
            html.Append($"<p>note: {Encode(note)}</p>");
        }

        AppendOnlyIn(html, "A", result.TagsOnlyInA);
        AppendOnlyIn(html, "B", result.TagsOnlyInB);
        AppendSummaryTable(html, result);
        int rank = 0;
        foreach (var tag in result.Ranked)
        {
            AppendTag(html, result, tag, ++rank);
        }

        html.Append("</body></html>");
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }

    /// <summary>The label of run A in legends: its directory's name.</summary>
    private static string NameA(DiffResult result) => "A: " + result.RunA.Name;

    private static string NameB(DiffResult result) => "B: " + result.RunB.Name;

    private static void AppendVerdict(StringBuilder html, DiffResult result)
    {
        html.Append("<div class=\"verdict\"><h2>Verdict</h2>");
        foreach (var finding in result.NonFinite)
        {
            html.Append($"<p class=\"flag\"><b>Non-finite:</b> {Encode(finding.Describe())}</p>");
        }

        if (result.RootCause is { } cause)
        {
            html.Append($"<p class=\"flag\"><b>Root cause:</b> {Encode(DiffTextReport.Verdict(result) ?? string.Empty)}</p><ul>");
            foreach (string line in cause.Evidence)
            {
                html.Append($"<li>{Encode(line)}</li>");
            }

            html.Append("</ul>");
        }
        else
        {
            html.Append("<p>No root cause: no gradient norm, learning rate or distribution diverges.</p>");
        }

        foreach (string line in DiffTextReport.DescribeScalars(result.Scalars))
        {
            html.Append($"<p>{Encode(line)}</p>");
        }

        html.Append("</div>");
    }

    // Loss, learning rates and global gradient norm, A against B: the curves a person compares first.
    private static void AppendTrainingCurves(StringBuilder html, DiffResult result)
    {
        var curves = TrainingCurves.Of(result);
        if (curves.Count == 0)
        {
            return;
        }

        html.Append("<h2>Training curves, A against B</h2><div class=\"row\">");
        foreach (var curve in curves)
        {
            html.Append(PairChart(result, curve.Chart, curve.Title, curve.A, curve.B, curve.OnsetStep, curve.AllPositive, curve.Chart == "lr" ? "changes" : "onset"));
        }

        html.Append("</div>");
    }

    private static void AppendDivergingLayers(StringBuilder html, DiffResult result)
    {
        if (result.DivergingLayers.Count == 0)
        {
            return;
        }

        var c = CultureInfo.InvariantCulture;
        html.Append(c, $"<h2>Layers whose gradient norm diverges ({result.DivergingLayers.Count} of {result.Layers.Count}), cause first</h2>");
        html.Append("<table class=\"layers\"><tr><th class=\"n\">#</th><th>layer</th><th class=\"n\">onset</th><th class=\"n\">detected</th><th class=\"n\">B/A vs before</th><th class=\"n\">weights onset</th><th>series</th></tr>");
        int order = 0;
        foreach (var layer in result.DivergingLayers)
        {
            var onset = layer.Gradient.Onset!;
            html.Append(c, $"<tr data-layer=\"{Encode(layer.Layer)}\"><td class=\"n\">{++order}</td><td>{Encode(layer.Layer)}</td><td class=\"n onset\">{onset.Step}</td><td class=\"n\">{onset.DetectionStep}</td>")
                .Append(c, $"<td class=\"n\">{NumberText.Short(Math.Exp(onset.Departure))}</td><td class=\"n\">{layer.Weight?.Onset?.Step.ToString(c) ?? "-"}</td><td>{Encode(layer.Gradient.Tag)}</td></tr>");
        }

        html.Append("</table>");
        html.Append(c, $"<p>Gradient norms of the first {Math.Min(MaxLayerCharts, result.DivergingLayers.Count)}, log axis; the marker is the onset in the table.</p><div class=\"row\">");
        foreach (var layer in result.DivergingLayers.Take(MaxLayerCharts))
        {
            html.Append(PairChart(result, "layer-grad-norm", $"{layer.Layer}: gradient norm", layer.Gradient.ChartA, layer.Gradient.ChartB, layer.Gradient.Onset?.Step, logY: true, "onset", layer.Layer));
        }

        html.Append("</div>");
    }

    // Run A as a wide, pale solid line and B as a narrow dashed one on top: where they coincide, both stay visible.
    private static string PairChart(DiffResult result, string chart, string title, IReadOnlyList<KeyValuePair<long, double>> a, IReadOnlyList<KeyValuePair<long, double>> b, long? onset, bool logY, string onsetWord, string subject = "")
    {
        var all = a.Concat(b).Where(p => double.IsFinite(p.Value) && (!logY || p.Value > 0)).ToList();
        if (all.Count == 0)
        {
            return string.Empty;
        }

        double xMin = all.Min(p => p.Key), xMax = all.Max(p => p.Key);
        double yMin = all.Min(p => p.Value), yMax = all.Max(p => p.Value);
        if (yMax <= yMin)
        {
            (yMin, yMax) = logY ? (yMin / 2, yMax * 2) : (yMin - Math.Max(Math.Abs(yMin) * 0.5, 1e-12), yMax + Math.Max(Math.Abs(yMax) * 0.5, 1e-12));
        }

        var plot = new SvgPlot(ChartWidth, ChartHeight, xMin, xMax, yMin, yMax, title + (logY ? " (log)" : string.Empty), chart, logY);
        plot.Line(a.Select(p => (double)p.Key).ToList(), a.Select(p => p.Value).ToList(), ColorA, 4, opacity: 0.45, run: "A");
        plot.Line(b.Select(p => (double)p.Key).ToList(), b.Select(p => p.Value).ToList(), ColorB, 1.6, dashed: true, run: "B");
        plot.LegendEntry(NameA(result), ColorA, LegendMark.Line);
        plot.LegendEntry(NameB(result), ColorB, LegendMark.Dashed);
        if (onset is { } step)
        {
            plot.OnsetMarker(step, OnsetColor, $"{onsetWord} {step.ToString(CultureInfo.InvariantCulture)}");
        }

        string subjectAttribute = subject.Length > 0 ? $" data-layer=\"{Encode(subject)}\"" : string.Empty;
        return $"<div class=\"chart\"{subjectAttribute}>{plot}</div>";
    }

    // The text report's ranked table, same columns (exploding in full).
    private static void AppendSummaryTable(StringBuilder html, DiffResult result)
    {
        var c = CultureInfo.InvariantCulture;
        html.Append("<table class=\"tags\"><tr><th class=\"n\">#</th><th>tag</th><th class=\"n\">max d</th><th class=\"n\">at step</th><th class=\"n\">onset</th><th class=\"n\">norm onset</th><th class=\"n\">norm B/A</th><th class=\"n\">std B/A</th><th class=\"n\">steps</th><th>exploding</th></tr>");
        int rank = 0;
        foreach (var tag in result.Ranked)
        {
            string exploding = string.Join("; ", new[] { tag.ExplodingInA, tag.ExplodingInB }.Where(e => e is not null).Select(e => e!.Describe()));
            html.Append(c, $"<tr class=\"{(tag.IsFlagged ? "flag" : string.Empty)}\" data-tag=\"{Encode(tag.Tag)}\"><td class=\"n\">{++rank}</td><td><a href=\"#t{rank}\">{Encode(tag.Tag)}</a></td><td class=\"n\">{NumberText.Short(tag.MaxDistance)}</td><td class=\"n\">{tag.MaxDistanceStep?.ToString(c) ?? "-"}</td>")
                .Append(c, $"<td class=\"n onset\">{tag.OnsetStep?.ToString(c) ?? "-"}</td><td class=\"n\">{tag.NormOnsetStep?.ToString(c) ?? "-"}</td>")
                .Append(c, $"<td class=\"n\">{(tag.Steps.Length > 0 ? NumberText.Short(tag.NormRatios[^1]) : "-")}</td><td class=\"n\">{(tag.Steps.Length > 0 ? NumberText.Short(tag.StdRatios[^1]) : "-")}</td><td class=\"n\">{tag.CommonStepCount}</td><td>{Encode(exploding.Length > 0 ? exploding : "-")}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void AppendTag(StringBuilder html, DiffResult result, TagComparison tag, int rank)
    {
        // Collected while the runs were read (see HistogramPairing): the same downsampled steps as DownsampleIndices picks.
        var seriesA = tag.ColumnsA;
        var seriesB = tag.ColumnsB;
        var all = seriesA.Concat(seriesB).ToList();
        var c = CultureInfo.InvariantCulture;
        html.Append(c, $"<div class=\"tag\" id=\"t{rank}\" data-tag=\"{Encode(tag.Tag)}\"><h3>{rank}. {Encode(tag.Tag)}</h3><p>max d {NumberText.Short(tag.MaxDistance)} at step {tag.MaxDistanceStep?.ToString(c) ?? "-"}; onset {tag.OnsetStep?.ToString(c) ?? "none"}; norm onset {tag.NormOnsetStep?.ToString(c) ?? "none"}; run A {Encode(tag.GridA)}, run B {Encode(tag.GridB)}.</p>");
        foreach (var finding in new[] { tag.ExplodingInA, tag.ExplodingInB }.Where(f => f is not null))
        {
            html.Append($"<p class=\"flag\">exploding: {Encode(finding!.Describe())}</p>");
        }

        html.Append("<div class=\"row\">");
        if (all.Count > 0)
        {
            double xMin = all.Min(p => p.Step), xMax = all.Max(p => p.Step);
            double yMin = all.Min(p => p.Min), yMax = all.Max(p => p.Max);
            html.Append(Distribution(result, seriesA, seriesB, "A", xMin, xMax, yMin, yMax));
            html.Append(Distribution(result, seriesB, seriesA, "B", xMin, xMax, yMin, yMax));
            html.Append(DistanceCurve(tag, result.Options.Threshold, xMin, xMax));
        }

        html.Append("</div></div>");
    }

    // One run's quantile bands and median, with the other run's median dashed over them for reference.
    private static string Distribution(DiffResult result, IReadOnlyList<DistributionColumn> own, IReadOnlyList<DistributionColumn> other, string run, double xMin, double xMax, double yMin, double yMax)
    {
        bool isA = run == "A";
        string color = isA ? ColorA : ColorB, otherColor = isA ? ColorB : ColorA;
        var plot = new SvgPlot(ChartWidth, ChartHeight, xMin, xMax, yMin, yMax, $"run {run}: distribution over steps", "distribution");
        var xs = own.Select(p => (double)p.Step).ToList();
        foreach (var (low, high, opacity) in DistributionColumn.Bands)
        {
            plot.Band(xs, own.Select(p => p.Quantile(low)).ToList(), own.Select(p => p.Quantile(high)).ToList(), color, opacity);
        }

        plot.Line(xs, own.Select(p => p.Quantile(DistributionColumn.Median)).ToList(), color, 1.5, run: run);
        plot.Line(other.Select(p => (double)p.Step).ToList(), other.Select(p => p.Quantile(DistributionColumn.Median)).ToList(), otherColor, 1.4, dashed: true, run: isA ? "B" : "A");
        plot.LegendEntry($"{(isA ? NameA(result) : NameB(result))} quantiles", color, LegendMark.Band);
        plot.LegendEntry($"{(isA ? "B" : "A")} median", otherColor, LegendMark.Dashed);
        return plot.ToString();
    }

    private static string DistanceCurve(TagComparison tag, double threshold, double xMin, double xMax)
    {
        double yMax = Math.Max(threshold * 1.5, tag.Distances.DefaultIfEmpty(0).Max());
        var plot = new SvgPlot(ChartWidth, ChartHeight, xMin, xMax, 0, yMax, "distance d between A and B", "distance");
        plot.Line([xMin, xMax], [threshold, threshold], "#888", 1, dashed: true);
        var indices = ChartSampling.DownsampleIndices(tag.Steps.Length);
        plot.Line(indices.Select(i => (double)tag.Steps[i]).ToList(), indices.Select(i => tag.Distances[i]).ToList(), OnsetColor);
        plot.LegendEntry("d(A, B)", OnsetColor, LegendMark.Line);
        plot.LegendEntry(string.Create(CultureInfo.InvariantCulture, $"threshold {threshold:G3}"), "#888", LegendMark.Dashed);
        if (tag.OnsetStep is { } onset)
        {
            plot.OnsetMarker(onset, OnsetColor, $"onset {onset.ToString(CultureInfo.InvariantCulture)}");
        }

        return plot.ToString();
    }

    private static void AppendOnlyIn(StringBuilder html, string run, IReadOnlyList<string> tags)
    {
        if (tags.Count > 0)
        {
            html.Append($"<p>only in run {run} (not compared): {Encode(string.Join(", ", tags))}</p>");
        }
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
