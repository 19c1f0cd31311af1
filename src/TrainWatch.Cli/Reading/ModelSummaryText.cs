using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainWatch.Cli.Reading;

/// <summary>
/// Reads back the model summary the watcher writes as markdown under <c>model/summary</c>
/// (src/TrainWatch.TorchSharp/ModelSummaries/ModelSummaryMarkdown.cs): table rows <c>| # | `path` | type | outputs |
/// parameters | trainable |</c>, outputs joined by <c>&lt;br&gt;</c> as <c>[name ]shape</c>, then the line
/// <c>**N parameters**: T trainable, F frozen.</c>
/// </summary>
internal static partial class ModelSummaryText
{
    /// <summary>The tag the watcher writes the summary under.</summary>
    public const string Tag = "model/summary";

    /// <summary>The summary in <paramref name="markdown"/>, or null when it is not one.</summary>
    public static ModelSummary? Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var modules = new List<ModelSummaryModule>();
        ModelSummary? summary = null;
        foreach (string raw in markdown.Split('\n'))
        {
            string line = raw.Trim();
            if (TotalsLine().Match(line) is { Success: true } totals)
            {
                summary = new ModelSummary(modules, Count(totals.Groups[1].Value), Count(totals.Groups[2].Value), Count(totals.Groups[3].Value));
                continue;
            }

            if (!line.StartsWith('|') || !line.EndsWith('|'))
            {
                continue;
            }

            string[] cells = CellSeparator().Split(line[1..^1]).Select(c => c.Trim().Replace("\\|", "|", StringComparison.Ordinal)).ToArray();
            if (cells.Length != 6 || !int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue; // the header and its alignment row
            }

            string path = cells[1].Trim('`');
            modules.Add(new ModelSummaryModule(
                path == "(model)" ? "" : path,
                cells[2],
                cells[3].Split("<br>", StringSplitOptions.RemoveEmptyEntries).Select(ParseOutput).ToList(),
                long.TryParse(cells[4], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long parameters) ? parameters : null,
                cells[5]));
        }

        return summary;
    }

    private static ModelSummaryOutput ParseOutput(string text)
    {
        int open = text.IndexOf('[', StringComparison.Ordinal);
        string name = open > 0 ? text[..open].Trim() : "";
        string dims = open >= 0 ? text[(open + 1)..].TrimEnd(']', ' ') : "";
        long[] shape = dims.Length == 0 ? [] : dims.Split(',').Select(d => long.Parse(d.Trim(), CultureInfo.InvariantCulture)).ToArray();
        return new ModelSummaryOutput(name, shape);
    }

    private static long Count(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\*\*([\d,]+) parameters\*\*: ([\d,]+) trainable, ([\d,]+) frozen\.", RegexOptions.CultureInvariant)]
    private static partial Regex TotalsLine();

    // A cell ends at a '|' that is not escaped.
    [GeneratedRegex(@"(?<!\\)\|", RegexOptions.CultureInvariant)]
    private static partial Regex CellSeparator();
}
