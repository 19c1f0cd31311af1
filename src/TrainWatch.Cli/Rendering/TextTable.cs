using System.Text;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// A plain-text table laid out for a width: columns two spaces apart, a dashed rule under the headings, no borders.
/// When the natural layout is too wide it narrows, in this order: headings wrap at their spaces, wrapping columns give
/// up width down to their longest unbreakable piece (at least <see cref="MinimumWrapWidth"/>), droppable columns are
/// left out (<see cref="Dropped"/> says which), and last, lines are cropped. No line is ever wider than asked.
/// </summary>
internal sealed class TextTable
{
    /// <summary>A wrapping column narrower than this would show a word or two per line: columns are dropped first.</summary>
    public const int MinimumWrapWidth = 12;

    private const string Gap = "  ";
    private readonly List<TextColumn> _columns;
    private readonly List<string[]> _rows = [];

    /// <summary>A table with these columns.</summary>
    public TextTable(params TextColumn[] columns) => _columns = [.. columns];

    /// <summary>Headings of the columns left out by the last <see cref="Render"/> for lack of width.</summary>
    public IReadOnlyList<string> Dropped { get; private set; } = [];

    /// <summary>Adds a row; one cell per column.</summary>
    public TextTable AddRow(params string[] cells)
    {
        if (cells.Length != _columns.Count)
        {
            throw new ArgumentException($"expected {_columns.Count} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    /// <summary>The number of rows added.</summary>
    public int RowCount => _rows.Count;

    /// <summary>The table as lines of at most <paramref name="width"/> characters, without trailing spaces.</summary>
    public IReadOnlyList<string> Render(int width)
    {
        // The key column (the tag, the layer) names the row: other columns give up room, or are left out, before it wraps.
        var shown = Enumerable.Range(0, _columns.Count).ToList();
        int[] widths = Layout(shown, width, shrinkKey: false);
        while (!Fits(widths, width) && shown.Any(i => _columns[i].DropOrder > 0))
        {
            shown.Remove(shown.Where(i => _columns[i].DropOrder > 0).MaxBy(i => (_columns[i].DropOrder, i)));
            widths = Layout(shown, width, shrinkKey: false);
        }

        if (!Fits(widths, width))
        {
            widths = Layout(shown, width, shrinkKey: true);
        }

        Dropped = _columns.Where((_, i) => !shown.Contains(i)).Select(c => c.Header).ToList();
        var lines = new List<string>();
        var headers = shown.Select((column, k) => TextWrap.Wrap(_columns[column].Header, widths[k])).ToList();
        AppendRow(lines, shown, widths, headers, bottomAligned: true);
        lines.Add(string.Join(Gap, widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            AppendRow(lines, shown, widths, shown.Select((column, k) => _columns[column].Wraps ? TextWrap.Wrap(row[column], widths[k]) : [row[column]]).ToList(), bottomAligned: false);
        }

        // The last resort when even the narrowest layout is too wide: crop, marking the cut.
        return lines.Select(l => l.Length <= width ? l : l[..(width - 1)] + "…").ToList();
    }

    private static bool Fits(int[] widths, int width) => widths.Sum() + Gap.Length * (widths.Length - 1) <= width;

    /// <summary>Writes <see cref="Render"/>'s lines to <paramref name="writer"/>.</summary>
    public void Write(TextWriter writer, int width)
    {
        foreach (string line in Render(width))
        {
            writer.WriteLine(line);
        }
    }

    private int[] Layout(List<int> shown, int width, bool shrinkKey)
    {
        int budget = width - Gap.Length * (shown.Count - 1);
        int[] cells = shown.Select(i => CellWidths(i).DefaultIfEmpty(0).Max()).ToArray();
        int[] widths = shown.Select((i, k) => Math.Max(_columns[i].Header.Length, cells[k])).ToArray();
        if (widths.Sum() <= budget)
        {
            return widths;
        }

        // Headings wrap at their spaces ("norm onset" over two lines) before any cell does.
        for (int k = 0; k < shown.Count; k++)
        {
            widths[k] = Math.Max(LongestWord(_columns[shown[k]].Header), cells[k]);
        }

        // Then wrapping columns give up width, the rightmost first (the key column last, and only when asked),
        // each down to what its content can be broken into.
        int key = shown.FindIndex(i => _columns[i].Key);
        key = key >= 0 ? key : shown.FindIndex(i => _columns[i].Wraps);
        for (int k = shown.Count - 1; k >= 0 && widths.Sum() > budget; k--)
        {
            if (_columns[shown[k]].Wraps && (k != key || shrinkKey))
            {
                widths[k] = Math.Max(Floor(shown[k], widths[k]), widths[k] - (widths.Sum() - budget));
            }
        }

        return widths;
    }

    // The narrowest a wrapping column goes: its longest unbreakable piece, but at least MinimumWrapWidth (or its natural width if smaller).
    private int Floor(int column, int natural) => Math.Min(natural, Math.Max(Math.Max(MinimumWrapWidth, _columns[column].MinimumWidth), Math.Max(LongestWord(_columns[column].Header), CellWidths(column).Select((_, r) => TextWrap.LongestUnbreakable(_rows[r][column])).DefaultIfEmpty(0).Max())));

    private IEnumerable<int> CellWidths(int column) => _rows.Select(r => r[column].Length);

    private static int LongestWord(string text) => text.Split(' ').Max(w => w.Length);

    private void AppendRow(List<string> lines, List<int> shown, int[] widths, List<IReadOnlyList<string>> cells, bool bottomAligned)
    {
        int height = cells.Max(c => c.Count);
        for (int line = 0; line < height; line++)
        {
            var text = new StringBuilder();
            for (int k = 0; k < shown.Count; k++)
            {
                if (k > 0)
                {
                    text.Append(Gap);
                }

                // A wrapped heading sits on its last lines, so every heading ends on the line above the rule.
                int index = bottomAligned ? line - (height - cells[k].Count) : line;
                string cell = index >= 0 && index < cells[k].Count ? cells[k][index] : string.Empty;
                text.Append(_columns[shown[k]].RightAligned ? cell.PadLeft(widths[k]) : cell.PadRight(widths[k]));
            }

            lines.Add(text.ToString().TrimEnd());
        }
    }
}
