namespace TrainWatch.Cli.Rendering;

/// <summary>
/// A series drawn as one line of characters, one per value, scaled between the series' own minimum and maximum: the
/// shape of the recent history (falling, flat, spiking), not its size — the latest value is printed beside it.
/// </summary>
internal static class Sparkline
{
    // Eight heights: the Unicode block elements, or ASCII for terminals without them.
    private const string UnicodeLevels = "▁▂▃▄▅▆▇█";
    private const string AsciiLevels = "_.-:=+*#";

    /// <summary>The mark of a NaN or infinite value: a gap in the line would hide the moment a run broke.</summary>
    public const char NonFinite = '!';

    /// <summary>
    /// Draws the last <paramref name="width"/> of <paramref name="values"/>. A flat series is a flat middle line; a
    /// non-finite value is <see cref="NonFinite"/> and does not take part in the scale.
    /// </summary>
    public static string Draw(IReadOnlyList<double> values, int width, bool unicode)
    {
        string levels = unicode ? UnicodeLevels : AsciiLevels;
        int start = Math.Max(0, values.Count - Math.Max(0, width));
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = start; i < values.Count; i++)
        {
            if (double.IsFinite(values[i]))
            {
                min = Math.Min(min, values[i]);
                max = Math.Max(max, values[i]);
            }
        }

        var line = new char[values.Count - start];
        for (int i = start; i < values.Count; i++)
        {
            double value = values[i];
            line[i - start] = !double.IsFinite(value) ? NonFinite
                : max > min ? levels[(int)Math.Round((value - min) / (max - min) * (levels.Length - 1))]
                : levels[levels.Length / 2];
        }

        return new string(line);
    }
}
