using System.Globalization;
using System.Net;
using System.Text;
using TrainWatch.Cli.Output;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Diff;

/// <summary>
/// The diff as one self-contained HTML file (inline SVG, no scripts, no external files): per tag, the two runs'
/// distributions over steps drawn side by side as quantile bands (like TensorBoard's Distributions tab, on a shared
/// value axis), and the distance curve with the threshold and the onset. On top: the verdict, its evidence, and the
/// diverging layers' gradient norms, A and B on a log axis with the onset marked.
/// </summary>
internal static class DiffHtmlReport
{
    // The cause and its first followers; a page with 100 layer charts hides the one that matters.
    private const int MaxLayerCharts = 8;

    /// <summary>Writes the report to <paramref name="path"/>.</summary>
    public static void Write(DiffResult result, string path)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>trainwatch diff</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}")
            .Append(".verdict{margin:16px 0;padding:8px 12px;border:1px solid #ddd;background:#fcfcfc}.tag{margin:28px 0;border-top:2px solid #eee;padding-top:8px}.flag{color:#b00020}.row{display:flex;gap:12px;flex-wrap:wrap}")
            .Append("</style></head><body>");
        html.Append($"<h1>trainwatch diff</h1><p>A: <code>{Encode(result.RunA.Directory)}</code><br>B: <code>{Encode(result.RunB.Directory)}</code></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>d = W1(A,B) / sqrt((E_A[x²] + E_B[x²]) / 2), between 0 (same distribution) and 2. Threshold: {result.Options.Threshold:G4}. Onset = first common step with d above it.</p>");
        AppendVerdict(html, result);
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

    // The verdict and its evidence, then the diverging layers' gradient norms (A and B on a log axis, onset marked):
    // the cause's curve leaves A's first, the followers' later or less.
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

        if (result.DivergingLayers.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>Gradient norms of the diverging layers, cause first ({Math.Min(MaxLayerCharts, result.DivergingLayers.Count)} of {result.DivergingLayers.Count}; A blue, B orange, log axis)</h3><div class=\"row\">");
            foreach (var layer in result.DivergingLayers.Take(MaxLayerCharts))
            {
                html.Append(NormChart(layer.Layer, layer.Gradient));
            }

            html.Append("</div>");
        }

        html.Append("</div>");
    }

    private static string NormChart(string layer, LogRatioSeries series)
    {
        var a = series.ChartA;
        var b = series.ChartB;
        var all = a.Concat(b).ToList();
        if (all.Count == 0)
        {
            return string.Empty;
        }

        double xMin = all.Min(p => p.Key), xMax = all.Max(p => p.Key);
        double yMin = all.Min(p => p.Value), yMax = all.Max(p => p.Value);
        if (yMax <= yMin)
        {
            yMin /= 2;
            yMax *= 2;
        }

        var plot = new SvgPlot(420, 220, xMin, xMax, yMin, yMax, $"{layer}: gradient norm", logY: true);
        plot.Line(a.Select(p => (double)p.Key).ToList(), a.Select(p => p.Value).ToList(), "#1565c0");
        plot.Line(b.Select(p => (double)p.Key).ToList(), b.Select(p => p.Value).ToList(), "#e65100");
        if (series.Onset is { } onset)
        {
            plot.VerticalMarker(onset.Step, "#b00020", $"onset {onset.Step}");
        }

        return plot.ToString();
    }

    private static void AppendSummaryTable(StringBuilder html, DiffResult result)
    {
        html.Append("<table><tr><th>#</th><th>tag</th><th>max d</th><th>onset</th><th>norm B/A (last)</th><th>std B/A (last)</th><th>exploding</th></tr>");
        int rank = 0;
        foreach (var tag in result.Ranked)
        {
            string exploding = string.Join("; ", new[] { tag.ExplodingInA, tag.ExplodingInB }.Where(e => e is not null).Select(e => e!.Describe()));
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(tag.IsFlagged ? "flag" : string.Empty)}\"><td>{++rank}</td><td><a href=\"#t{rank}\">{Encode(tag.Tag)}</a></td><td>{NumberText.Short(tag.MaxDistance)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{tag.OnsetStep?.ToString(CultureInfo.InvariantCulture) ?? "-"}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(tag.Steps.Length > 0 ? NumberText.Short(tag.NormRatios[^1]) : "-")}</td><td>{(tag.Steps.Length > 0 ? NumberText.Short(tag.StdRatios[^1]) : "-")}</td><td>{Encode(exploding)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void AppendTag(StringBuilder html, DiffResult result, TagComparison tag, int rank)
    {
        // Collected while the runs were read (see HistogramPairing): the same downsampled steps as DownsampleIndices picks.
        var seriesA = tag.ColumnsA;
        var seriesB = tag.ColumnsB;
        var all = seriesA.Concat(seriesB).ToList();
        double xMin = all.Min(p => p.Step), xMax = all.Max(p => p.Step);
        double yMin = all.Min(p => p.Min), yMax = all.Max(p => p.Max);

        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tag\" id=\"t{rank}\"><h2>{rank}. {Encode(tag.Tag)}</h2><p>max d {NumberText.Short(tag.MaxDistance)} at step {tag.MaxDistanceStep?.ToString(CultureInfo.InvariantCulture) ?? "-"}; onset {tag.OnsetStep?.ToString(CultureInfo.InvariantCulture) ?? "none"}; run A {Encode(tag.GridA)}, run B {Encode(tag.GridB)}.</p>");
        foreach (var finding in new[] { tag.ExplodingInA, tag.ExplodingInB }.Where(f => f is not null))
        {
            html.Append($"<p class=\"flag\">exploding: {Encode(finding!.Describe())}</p>");
        }

        html.Append("<div class=\"row\">");
        html.Append(Distribution(seriesA, "run A", "#1565c0", xMin, xMax, yMin, yMax));
        html.Append(Distribution(seriesB, "run B", "#e65100", xMin, xMax, yMin, yMax));
        html.Append(DistanceCurve(tag, result.Options.Threshold, xMin, xMax));
        html.Append("</div></div>");
    }

    private static string Distribution(IReadOnlyList<DistributionColumn> series, string title, string color, double xMin, double xMax, double yMin, double yMax)
    {
        var plot = new SvgPlot(420, 220, xMin, xMax, yMin, yMax, $"{title}: quantiles over steps");
        var xs = series.Select(p => (double)p.Step).ToList();
        foreach (var (low, high, opacity) in DistributionColumn.Bands)
        {
            plot.Band(xs, series.Select(p => p.Quantile(low)).ToList(), series.Select(p => p.Quantile(high)).ToList(), color, opacity);
        }

        plot.Line(xs, series.Select(p => p.Quantile(DistributionColumn.Median)).ToList(), color);
        return plot.ToString();
    }

    private static string DistanceCurve(TagComparison tag, double threshold, double xMin, double xMax)
    {
        double yMax = Math.Max(threshold * 1.5, tag.Distances.DefaultIfEmpty(0).Max());
        var plot = new SvgPlot(420, 220, xMin, xMax, 0, yMax, "normalised distance d");
        plot.Line([xMin, xMax], [threshold, threshold], "#888", 1, dashed: true);
        var indices = ChartSampling.DownsampleIndices(tag.Steps.Length);
        plot.Line(indices.Select(i => (double)tag.Steps[i]).ToList(), indices.Select(i => tag.Distances[i]).ToList(), "#b00020");
        if (tag.OnsetStep is { } onset)
        {
            plot.VerticalMarker(onset, "#b00020", $"onset {onset}");
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
