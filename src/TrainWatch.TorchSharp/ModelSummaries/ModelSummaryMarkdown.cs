using System.Globalization;
using System.Text;

namespace TrainWatch.TorchSharp.ModelSummaries;

/// <summary>
/// The model summary as markdown for TensorBoard's Text tab. <c>trainwatch inspect</c> reads this format back
/// (src/TrainWatch.Cli/Reading/ModelSummaryText.cs): a table with the columns #, module, type, output shape,
/// parameters, trainable, then a totals line <c>**N parameters**: T trainable, F frozen.</c>
/// </summary>
internal static class ModelSummaryMarkdown
{
    /// <summary>The tag the summary is written under.</summary>
    public const string Tag = "model/summary";

    /// <summary>The markdown of <paramref name="table"/>.</summary>
    public static string Format(ModelSummaryTable table)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("| # | module | type | output shape | parameters | trainable |\n");
        text.Append("|--:|---|---|---|--:|---|\n");
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            string outputs = string.Join("<br>", row.Outputs.Select(o => (o.Name.Length > 0 ? o.Name + " " : "") + Shape(o.Shape)));
            string parameters = row.Parameters is { } count ? count.ToString("N0", c) : "shared";
            string trainable = row switch
            {
                { Parameters: null } or { Parameters: 0 } => "",
                _ when row.Trainable == row.Parameters => "yes",
                { Trainable: 0 } => "no (frozen)",
                _ => string.Create(c, $"partly ({row.Trainable:N0})"),
            };
            text.Append(c, $"| {i + 1} | `{Cell(row.Path.Length == 0 ? "(model)" : row.Path)}` | {Cell(row.Type)} | {outputs} | {parameters} | {trainable} |\n");
        }

        text.Append('\n');
        text.Append(c, $"**{table.TotalParameters:N0} parameters**: {table.TrainableParameters:N0} trainable, {table.FrozenParameters:N0} frozen.");
        if (table.InputShape is { } input)
        {
            text.Append(c, $" Input {Shape(input)}, step {table.Step}.");
        }

        if (table.NotCalled.Count > 0)
        {
            text.Append(" Not called in that forward pass: ")
                .AppendJoin(", ", table.NotCalled.Select(m => string.Create(c, $"`{Cell(m.Path)}` ({m.Parameters:N0} parameters)")))
                .Append('.');
        }

        text.Append('\n');
        return text.ToString();
    }

    /// <summary><c>[64, 1, 28, 28]</c>.</summary>
    public static string Shape(long[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    // A '|' would end the cell and a backtick the code span.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
