using System.Globalization;
using System.Text;

namespace TrainWatch.Cli.Diff;

/// <summary>A small SVG drawing surface with a data-to-pixel mapping: enough for bands, lines and axes.</summary>
internal sealed class SvgPlot
{
    private const double Margin = 44;
    private readonly StringBuilder _svg = new();
    private readonly double _width;
    private readonly double _height;
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
    /// <param name="title">Drawn in the corner.</param>
    /// <param name="logY">A logarithmic y axis: norms that explode span many decades, and a ratio B/A is a constant gap.</param>
    public SvgPlot(double width, double height, double xMin, double xMax, double yMin, double yMax, string title, bool logY = false)
    {
        _logY = logY;
        if (logY)
        {
            yMin = Math.Log10(yMin);
            yMax = Math.Log10(yMax);
        }

        _width = width;
        _height = height;
        _xMin = xMin;
        _xMax = xMax > xMin ? xMax : xMin + 1;
        double pad = yMax > yMin ? (yMax - yMin) * 0.05 : Math.Max(Math.Abs(yMin) * 0.1, 1e-12);
        _yMin = yMin - pad;
        _yMax = yMax + pad;
        _svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"));
        _svg.Append(Invariant($"<rect x=\"{Margin}\" y=\"8\" width=\"{width - Margin - 8}\" height=\"{height - Margin - 8}\" fill=\"#fafafa\" stroke=\"#ccc\"/>"));
        _svg.Append(Invariant($"<text x=\"{Margin + 4}\" y=\"22\" font-size=\"12\" fill=\"#333\">{Escape(title)}</text>"));
        AxisLabels();
    }

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
    public void Line(IReadOnlyList<double> xs, IReadOnlyList<double> ys, string color, double strokeWidth = 1.5, bool dashed = false)
    {
        var points = new StringBuilder();
        for (int i = 0; i < xs.Count; i++)
        {
            points.Append(Invariant($"{X(xs[i]):F1},{Y(ys[i]):F1} "));
        }

        string dash = dashed ? " stroke-dasharray=\"4 3\"" : string.Empty;
        _svg.Append(Invariant($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{strokeWidth}\"{dash}/>"));
    }

    /// <summary>A vertical marker at <paramref name="x"/> with a label.</summary>
    public void VerticalMarker(double x, string color, string label)
    {
        double px = X(x);
        _svg.Append(Invariant($"<line x1=\"{px:F1}\" y1=\"8\" x2=\"{px:F1}\" y2=\"{_height - Margin}\" stroke=\"{color}\" stroke-dasharray=\"2 2\"/>"));
        _svg.Append(Invariant($"<text x=\"{px + 3:F1}\" y=\"36\" font-size=\"11\" fill=\"{color}\">{Escape(label)}</text>"));
    }

    /// <summary>The finished SVG element.</summary>
    public override string ToString() => _svg + "</svg>";

    private double X(double x) => Margin + (x - _xMin) / (_xMax - _xMin) * (_width - Margin - 8);

    private double Y(double y)
    {
        if (_logY)
        {
            y = y > 0 ? Math.Log10(y) : double.NegativeInfinity;
        }

        double clamped = double.IsFinite(y) ? Math.Clamp(y, _yMin, _yMax) : (y > 0 ? _yMax : _yMin);
        return 8 + (_yMax - clamped) / (_yMax - _yMin) * (_height - Margin - 8);
    }

    private void AxisLabels()
    {
        double bottom = _height - Margin;
        _svg.Append(Invariant($"<text x=\"{Margin}\" y=\"{bottom + 14}\" font-size=\"10\" fill=\"#666\">{_xMin:G6}</text>"));
        _svg.Append(Invariant($"<text x=\"{_width - 8}\" y=\"{bottom + 14}\" font-size=\"10\" fill=\"#666\" text-anchor=\"end\">{_xMax:G6}</text>"));
        _svg.Append(Invariant($"<text x=\"{_width / 2}\" y=\"{bottom + 28}\" font-size=\"10\" fill=\"#666\" text-anchor=\"middle\">step</text>"));
        double top = _logY ? Math.Pow(10, _yMax) : _yMax, low = _logY ? Math.Pow(10, _yMin) : _yMin;
        _svg.Append(Invariant($"<text x=\"{Margin - 3}\" y=\"16\" font-size=\"10\" fill=\"#666\" text-anchor=\"end\">{top:G3}</text>"));
        _svg.Append(Invariant($"<text x=\"{Margin - 3}\" y=\"{bottom}\" font-size=\"10\" fill=\"#666\" text-anchor=\"end\">{low:G3}</text>"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);
}
