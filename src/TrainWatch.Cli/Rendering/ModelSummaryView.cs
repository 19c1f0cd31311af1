using System.Globalization;
using System.Text.Json;
using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Rendering;

/// <summary>How <c>inspect</c> shows a run's model summary (the watcher's <c>model/summary</c> text): a table, or JSON.</summary>
internal static class ModelSummaryView
{
    /// <summary>The run's model summary (the first one written) and its step, or null.</summary>
    public static (long Step, ModelSummary Summary)? Find(RunData run)
    {
        if (run.Texts.TryGetValue(RunTags.ModelSummary, out var texts))
        {
            foreach (var text in texts)
            {
                if (ModelSummaryText.Parse(text.Text) is { } summary)
                {
                    return (text.Step, summary);
                }
            }
        }

        return null;
    }

    /// <summary>Writes the summary as a table of at most <paramref name="width"/> columns.</summary>
    public static void WriteText(TextWriter output, int width, long step, ModelSummary summary)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"model summary (forward pass of step {step})"));
        var table = new TextTable(
            new TextColumn("#", RightAligned: true),
            new TextColumn("module", Wraps: true),
            new TextColumn("type", Wraps: true),
            new TextColumn("output shape", Wraps: true),
            new TextColumn("parameters", RightAligned: true),
            new TextColumn("trainable", Wraps: true, DropOrder: 1));
        for (int i = 0; i < summary.Modules.Count; i++)
        {
            var module = summary.Modules[i];
            string outputs = string.Join("\n", module.Outputs.Select(o => (o.Name.Length > 0 ? o.Name + " " : "") + "[" + string.Join(", ", o.Shape) + "]"));
            table.AddRow(
                (i + 1).ToString(c),
                module.Path.Length == 0 ? "(model)" : module.Path,
                module.Type,
                outputs,
                module.Parameters is { } count ? count.ToString("N0", c) : "shared",
                module.Trainable);
        }

        table.Write(output, width);
        output.WriteLine(string.Create(c, $"  {summary.TotalParameters:N0} parameters: {summary.TrainableParameters:N0} trainable, {summary.FrozenParameters:N0} frozen"));
    }

    public static void WriteJson(Utf8JsonWriter json, (long Step, ModelSummary Summary)? found)
    {
        if (found is not { } entry)
        {
            json.WriteNull("model_summary");
            return;
        }

        var summary = entry.Summary;
        json.WriteStartObject("model_summary");
        json.WriteNumber("step", entry.Step);
        json.WriteNumber("total_parameters", summary.TotalParameters);
        json.WriteNumber("trainable_parameters", summary.TrainableParameters);
        json.WriteNumber("frozen_parameters", summary.FrozenParameters);
        json.WriteStartArray("modules");
        foreach (var module in summary.Modules)
        {
            json.WriteStartObject();
            json.WriteString("path", module.Path);
            json.WriteString("type", module.Type);
            json.WriteStartArray("outputs");
            foreach (var output in module.Outputs)
            {
                json.WriteStartObject();
                json.WriteString("name", output.Name);
                json.WriteStartArray("shape");
                foreach (long dimension in output.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNullableNumber("parameters", module.Parameters);
            json.WriteString("trainable", module.Trainable);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
