using System.Globalization;
using System.Text;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// A small SVG chart: bands, lines and onset markers over a data-to-pixel mapping, with round ticks on both axes.
/// Above the plot area, never over the data: the title, the legend, and the markers' labels, each in its own row.
/// The left margin is as wide as the longest y label, so no label is clipped.
/// </summary>
internal sealed class SvgPlot
{
    private const double TitleRow = 15;
    private const double LegendRow = 32;
    private const double Top = 52;
    private const double Right = 18; // room for half of the last x label
    private const double Bottom = 34;
    private const double CharWidth = 6.2; // at font-size 11, enough for digits and most letters
    private readonly StringBuilder _svg = new();
    private readonly List<(string Label, string Color, LegendMark Mark)> _legend = [];
    private readonly double _width;
    private readonly double _height;
    private readonly double _left;
    private readonly double _xMin;
    private readonly double _xMax;
    private readonly double _yMin;
    private readonly double _yMax;
    private readonly bool _logY;

    /// <summary>Starts a plot of <paramref name="width"/>×<paramref name="height"/> pixels over the given data ranges.</summary>
    /// <param name="width">Pixels.</param>
    /// <param name="height">Pixels.</param>
    /// <param name="xMin">Left end of the x range.</param>
    /// <param name="xMax">Right end.</param>
    /// <param name="yMin">Bottom of the y range (positive when <paramref name="logY"/>).</param>
    /// <param name="yMax">Top.</param>
    /// <param name="title">Drawn above the plot area.</param>
    /// <param name="chart">What the chart shows (<c>loss</c>, <c>lr</c>, <c>layer-grad-norm</c>...): its <c>data-chart</c>.</param>
    /// <param name="logY">A logarithmic y axis: norms that explode span many decades, and a ratio B/A is a constant gap.</param>
    public SvgPlot(double width, double height, double xMin, double xMax, double yMin, double yMax, string title, string chart, bool logY = false)
    {
        _logY = logY;
        _width = width;
        _height = height;
        _xMin = xMin;
        _xMax = xMax > xMin ? xMax : xMin + 1;
        if (logY)
        {
            yMin = Math.Log10(yMin);
            yMax = Math.Log10(yMax);
        }

        double pad = yMax > yMin ? (yMax - yMin) * 0.08 : Math.Max(Math.Abs(yMin) * 0.1, 1e-12);
        _yMin = yMin - pad;
        _yMax = yMax + pad;
        var yTicks = YTicks();
        _left = Math.Max(36, 10 + CharWidth * yTicks.Select(t => AxisTicks.Format(t).Length).DefaultIfEmpty(1).Max());
        _svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" data-chart=\"{Escape(chart)}\" font-family=\"system-ui,sans-serif\">"));
        _svg.Append(Invariant($"<title>{Escape(title)}</title>"));
        _svg.Append(Invariant($"<text class=\"chart-title\" x=\"{_left}\" y=\"{TitleRow}\" font-size=\"12\" font-weight=\"600\" fill=\"#222\">{Escape(Fit(title, width - _left - Right, 7))}</text>"));
        _svg.Append(Invariant($"<rect x=\"{_left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" fill=\"#fafafa\" stroke=\"#ccc\"/>"));
        Axes(yTicks);
    }

    private double PlotWidth => _width - _left - Right;

    private double PlotHeight => _height - Top - Bottom;

    /// <summary>Adds an entry to the chart's legend (drawn above the plot).</summary>
    public void LegendEntry(string label, string color, LegendMark mark) => _legend.Add((label, color, mark));

    /// <summary>A filled band between <paramref name="lower"/> and <paramref name="upper"/> over <paramref name="xs"/>.</summary>
    public void Band(IReadOnlyList<double> xs, IReadOnlyList<double> lower, IReadOnlyList<double> upper, string color, double opacity)
    {
        var points = new StringBuilder();
        for (int i = 0; i < xs.Count; i++)
        {
            points.Append(Invariant($"{X(xs[i]):F1},{Y(upper[i]):F1} "));
        }

        for (int i = xs.Count - 1; i >= 0; i--)
        {
            points.Append(Invariant($"{X(xs[i]):F1},{Y(lower[i]):F1} "));
        }

        _svg.Append(Invariant($"<polygon points=\"{points}\" fill=\"{color}\" fill-opacity=\"{opacity}\" stroke=\"none\"/>"));
    }

    /// <summary>A polyline through the points.</summary>
    public void Line(IReadOnlyList<double> xs, IReadOnlyList<double> ys, string color, double strokeWidth = 1.5, bool dashed = false, double opacity = 1, string run = "")
    {
        var points = new StringBuilder();
        for (int i = 0; i < xs.Count; i++)
        {
            points.Append(Invariant($"{X(xs[i]):F1},{Y(ys[i]):F1} "));
        }

        string dash = dashed ? " stroke-dasharray=\"7 4\"" : string.Empty;
        string fade = opacity < 1 ? Invariant($" stroke-opacity=\"{opacity}\"") : string.Empty;
        string runAttribute = run.Length > 0 ? $" data-run=\"{Escape(run)}\"" : string.Empty;
        _svg.Append(Invariant($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{strokeWidth}\" stroke-linejoin=\"round\"{dash}{fade}{runAttribute}/>"));
    }

    /// <summary>A vertical onset marker at step <paramref name="step"/>, labelled above the plot area.</summary>
    public void OnsetMarker(long step, string color, string label)
    {
        double px = X(step);
        bool nearRight = px > _left + PlotWidth * 0.75;
        _svg.Append(Invariant($"<g class=\"onset\" data-step=\"{step}\">"));
        _svg.Append(Invariant($"<line x1=\"{px:F1}\" y1=\"{Top - 2}\" x2=\"{px:F1}\" y2=\"{Top + PlotHeight}\" stroke=\"{color}\" stroke-dasharray=\"3 2\"/>"));
        _svg.Append(Invariant($"<text x=\"{px + (nearRight ? -3 : 3):F1}\" y=\"{Top - 4}\" font-size=\"10\" fill=\"{color}\" text-anchor=\"{(nearRight ? "end" : "start")}\">{Escape(label)}</text>"));
        _svg.Append("</g>");
    }

    /// <summary>The finished SVG element.</summary>
    public override string ToString() => _svg + Legend() + "</svg>";

    private string Legend()
    {
        if (_legend.Count == 0)
        {
            return string.Empty;
        }

        // Entries share the row; a long run name is shortened rather than run into the next entry.
        var legend = new StringBuilder("<g class=\"legend\">");
        double slot = PlotWidth / _legend.Count;
        double x = _left;
        foreach (var (label, color, mark) in _legend)
        {
            double mid = LegendRow - 4;
            legend.Append(mark switch
            {
                LegendMark.Band => Invariant($"<rect x=\"{x:F1}\" y=\"{mid - 5}\" width=\"18\" height=\"10\" fill=\"{color}\" fill-opacity=\"0.45\"/>"),
                LegendMark.Dashed => Invariant($"<line x1=\"{x:F1}\" y1=\"{mid}\" x2=\"{x + 18:F1}\" y2=\"{mid}\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"),
                _ => Invariant($"<line x1=\"{x:F1}\" y1=\"{mid}\" x2=\"{x + 18:F1}\" y2=\"{mid}\" stroke=\"{color}\" stroke-width=\"3\" stroke-opacity=\"0.6\"/>"),
            });
            legend.Append(Invariant($"<text class=\"legend-entry\" x=\"{x + 22:F1}\" y=\"{LegendRow}\" font-size=\"11\" fill=\"#333\">{Escape(Fit(label, slot - 28, CharWidth))}</text>"));
            x += slot;
        }

        return legend.Append("</g>").ToString();
    }

    private IReadOnlyList<double> YTicks() => _logY
        ? AxisTicks.Logarithmic(Math.Pow(10, _yMin), Math.Pow(10, _yMax))
        : AxisTicks.Linear(_yMin, _yMax);

    private void Axes(IReadOnlyList<double> yTicks)
    {
        double bottom = Top + PlotHeight;
        foreach (double tick in yTicks)
        {
            double py = Y(tick);
            _svg.Append(Invariant($"<line x1=\"{_left}\" y1=\"{py:F1}\" x2=\"{_left + PlotWidth}\" y2=\"{py:F1}\" stroke=\"#e6e6e6\"/>"));
            _svg.Append(Invariant($"<text class=\"y-tick\" x=\"{_left - 4}\" y=\"{py + 3.5:F1}\" font-size=\"10\" fill=\"#555\" text-anchor=\"end\">{AxisTicks.Format(tick)}</text>"));
        }

        var xTicks = AxisTicks.Linear(_xMin, _xMax, Math.Max(2, (int)(PlotWidth / 80)));
        foreach (double tick in xTicks)
        {
            double px = X(tick);
            _svg.Append(Invariant($"<line x1=\"{px:F1}\" y1=\"{bottom}\" x2=\"{px:F1}\" y2=\"{bottom + 4}\" stroke=\"#999\"/>"));
            _svg.Append(Invariant($"<text class=\"x-tick\" x=\"{px:F1}\" y=\"{bottom + 15}\" font-size=\"10\" fill=\"#555\" text-anchor=\"middle\">{AxisTicks.Format(tick)}</text>"));
        }

        _svg.Append(Invariant($"<text x=\"{_left + PlotWidth}\" y=\"{bottom + 29}\" font-size=\"10\" fill=\"#555\" text-anchor=\"end\">step</text>"));
    }

    private double X(double x) => _left + (x - _xMin) / (_xMax - _xMin) * PlotWidth;

    private double Y(double y)
    {
        if (_logY)
        {
            y = y > 0 ? Math.Log10(y) : double.NegativeInfinity;
        }

        double clamped = double.IsFinite(y) ? Math.Clamp(y, _yMin, _yMax) : (y > 0 ? _yMax : _yMin);
        return Top + (_yMax - clamped) / (_yMax - _yMin) * PlotHeight;
    }

    // Shortens text to what fits in pixels characters of charWidth each.
    private static string Fit(string text, double pixels, double charWidth)
    {
        int room = Math.Max(4, (int)(pixels / charWidth));
        return text.Length <= room ? text : text[..(room - 1)] + "…";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);
}
