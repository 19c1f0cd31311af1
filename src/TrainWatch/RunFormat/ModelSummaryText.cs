using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TrainWatch.RunFormat;

/// <summary>
/// The model summary as markdown for TensorBoard's Text tab (tag <see cref="RunTags.ModelSummary"/>), written by the
/// watcher and read back by <c>trainwatch inspect</c>: a table with the columns #, module, type, output shape,
/// parameters, trainable (outputs joined by <c>&lt;br&gt;</c> as <c>[name ]shape</c>), then the totals line
/// <c>**N parameters**: T trainable, F frozen.</c>
/// </summary>
public static partial class ModelSummaryText
{
    private const string ModelItself = "(model)";
    private const string SharedModule = "shared";
    private const string OutputSeparator = "<br>";

    /// <summary>The markdown of <paramref name="summary"/>.</summary>
    public static string Format(ModelSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("| # | module | type | output shape | parameters | trainable |\n");
        text.Append("|--:|---|---|---|--:|---|\n");
        for (int i = 0; i < summary.Modules.Count; i++)
        {
            var module = summary.Modules[i];
            string outputs = string.Join(OutputSeparator, module.Outputs.Select(o => (o.Name.Length > 0 ? o.Name + " " : "") + Shape(o.Shape)));
            string parameters = module.Parameters is { } count ? count.ToString("N0", c) : SharedModule;
            text.Append(c, $"| {i + 1} | `{Cell(module.Path.Length == 0 ? ModelItself : module.Path)}` | {Cell(module.Type)} | {outputs} | {parameters} | {module.Trainable} |\n");
        }

        text.Append('\n');
        text.Append(c, $"**{summary.TotalParameters:N0} parameters**: {summary.TrainableParameters:N0} trainable, {summary.FrozenParameters:N0} frozen.");
        if (summary.InputShape is { } input)
        {
            text.Append(c, $" Input {Shape(input)}, step {summary.Step}.");
        }

        if (summary.NotCalled.Count > 0)
        {
            text.Append(" Not called in that forward pass: ")
                .AppendJoin(", ", summary.NotCalled.Select(m => string.Create(c, $"`{Cell(m.Path)}` ({m.Parameters:N0} parameters)")))
                .Append('.');
        }

        text.Append('\n');
        return text.ToString();
    }

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
                path == ModelItself ? "" : path,
                cells[2],
                cells[3].Split(OutputSeparator, StringSplitOptions.RemoveEmptyEntries).Select(ParseOutput).ToList(),
                long.TryParse(cells[4], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long parameters) ? parameters : null,
                cells[5]));
        }

        return summary;
    }

    /// <summary><c>[64, 1, 28, 28]</c>.</summary>
    public static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private static ModelSummaryOutput ParseOutput(string text)
    {
        int open = text.IndexOf('[', StringComparison.Ordinal);
        string name = open > 0 ? text[..open].Trim() : "";
        string dims = open >= 0 ? text[(open + 1)..].TrimEnd(']', ' ') : "";
        long[] shape = dims.Length == 0 ? [] : dims.Split(',').Select(d => long.Parse(d.Trim(), CultureInfo.InvariantCulture)).ToArray();
        return new ModelSummaryOutput(name, shape);
    }

    private static long Count(string text) => long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    // A '|' would end the cell and a backtick the code span.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);

    [GeneratedRegex(@"^\*\*([\d,]+) parameters\*\*: ([\d,]+) trainable, ([\d,]+) frozen\.", RegexOptions.CultureInvariant)]
    private static partial Regex TotalsLine();

    // A cell ends at a '|' that is not escaped.
    [GeneratedRegex(@"(?<!\\)\|", RegexOptions.CultureInvariant)]
    private static partial Regex CellSeparator();
}
