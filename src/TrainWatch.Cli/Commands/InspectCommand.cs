using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TrainWatch.Cli.Output;
using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Commands;

/// <summary>
/// <c>trainwatch inspect LOGDIR</c>: the runs, their tags by kind, step ranges and counts, and the integrity of every
/// file. Exit 1 on corruption or a file without a single event; an incomplete last record is only a warning.
/// </summary>
internal static class InspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var logDirectory = CommonOptions.LogDirectory();
        var json = CommonOptions.Json();
        var command = new Command("inspect", "List runs, tags (by kind and plugin), step ranges and counts, and check every record's CRC.")
        {
            logDirectory,
            json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(context, parse.GetValue(logDirectory)!, parse.GetValue(json), cancellation)));
        return command;
    }

    private static int Run(CliContext context, string path, bool asJson, CancellationToken cancellation)
    {
        // Structure only, plus the one text worth showing: the model summary the watcher writes.
        var read = ReadOptions.Structure with { KeepTexts = true, Tags = TagGlob.Parse(RunTags.ModelSummary) };
        var runs = RunSetLoader.Load(RunLocator.FindRuns(path), read, context, cancellation);
        bool problems = ReadProblems.Report(runs, context);
        if (asJson)
        {
            WriteJson(context, path, runs);
        }
        else
        {
            WriteText(context.CreateConsole(), runs);
        }

        return problems ? ExitCodes.ProblemsFound : ExitCodes.Ok;
    }

    private static void WriteText(IAnsiConsole console, IReadOnlyList<RunData> runs)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var run in runs)
        {
            console.WriteLine($"run {run.Name}  ({run.Directory})");
            var files = new Table().Border(TableBorder.Simple).AddColumns("file", "bytes", "events", "integrity");
            foreach (var file in run.Files)
            {
                files.AddRow(Markup.Escape(Path.GetFileName(file.Path)), file.Length.ToString(c), file.Events.ToString(c), Markup.Escape(Integrity(file)));
            }

            console.Write(files);
            var tags = new Table().Border(TableBorder.Simple).AddColumns("kind", "tag", "plugin", "values", "steps");
            foreach (var tag in run.Tags.Values.OrderBy(t => t.Kind).ThenBy(t => t.Tag, StringComparer.Ordinal))
            {
                tags.AddRow(KindName(tag.Kind), Markup.Escape(tag.Tag), Markup.Escape(tag.Plugin.Length > 0 ? tag.Plugin : "-"), tag.Count.ToString(c),
                    tag.FirstStep == tag.LastStep ? tag.FirstStep.ToString(c) : string.Create(c, $"{tag.FirstStep}..{tag.LastStep}"));
            }

            if (run.Tags.Count > 0)
            {
                console.Write(tags);
            }
            else
            {
                console.WriteLine("  no summary values");
            }

            if (ModelSummaryView.Find(run) is { } summary)
            {
                ModelSummaryView.WriteText(console, summary.Step, summary.Summary);
            }

            console.WriteLine();
        }

        int corrupt = runs.SelectMany(r => r.Files).Count(f => f.IsProblem);
        int truncated = runs.SelectMany(r => r.Files).Count(f => !f.IsProblem && f.State == Events.EventFileState.TruncatedTail);
        console.WriteLine(string.Create(c, $"{runs.Count} run(s), {runs.Sum(r => r.Files.Count)} file(s): {corrupt} with problems, {truncated} with an incomplete last record (normal while being written)."));
    }

    private static string Integrity(FileReport file) => file switch
    {
        { IsCorrupt: true } => $"CORRUPT at byte {file.ProblemOffset}: {file.Problem}",
        { HasNoEvents: true } => file.Length == 0 ? "EMPTY (0 bytes)" : "NO EVENTS (not an event file?)",
        { State: Events.EventFileState.TruncatedTail } => $"ok; incomplete last record at byte {file.ProblemOffset} (still being written?)",
        _ => "ok",
    };

    /// <summary>The lower-case name of a kind, as printed and in JSON.</summary>
    public static string KindName(ValueKind kind) => kind.ToString().ToLowerInvariant();

    private static void WriteJson(CliContext context, string path, IReadOnlyList<RunData> runs)
    {
        using (var stream = new TextWriterStream(context.Out))
        using (var json = JsonOutput.Create(stream))
        {
            json.WriteStartObject();
            json.WriteString("logdir", Path.GetFullPath(path));
            json.WriteStartArray("runs");
            foreach (var run in runs)
            {
                json.WriteStartObject();
                json.WriteString("name", run.Name);
                json.WriteString("directory", run.Directory);
                json.WriteStartArray("files");
                foreach (var file in run.Files)
                {
                    WriteFile(json, file);
                }

                json.WriteEndArray();
                json.WriteStartArray("tags");
                foreach (var tag in run.Tags.Values.OrderBy(t => t.Tag, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("tag", tag.Tag);
                    json.WriteString("kind", KindName(tag.Kind));
                    json.WriteString("plugin", tag.Plugin);
                    json.WriteNumber("count", tag.Count);
                    json.WriteNumber("first_step", tag.FirstStep);
                    json.WriteNumber("last_step", tag.LastStep);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                ModelSummaryView.WriteJson(json, ModelSummaryView.Find(run));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteBoolean("problems", runs.SelectMany(r => r.Files).Any(f => f.IsProblem));
            json.WriteEndObject();
        }

        context.Out.WriteLine();
    }

    /// <summary>Writes one file's integrity as a JSON object.</summary>
    public static void WriteFile(Utf8JsonWriter json, FileReport file)
    {
        json.WriteStartObject();
        json.WriteString("path", file.Path);
        json.WriteNumber("bytes", file.Length);
        json.WriteNumber("events", file.Events);
        json.WriteString("state", file.HasNoEvents && !file.IsCorrupt ? (file.Length == 0 ? "empty" : "no_events") : file.State switch
        {
            Events.EventFileState.Corrupt => "corrupt",
            Events.EventFileState.TruncatedTail => "truncated_tail",
            _ => "intact",
        });
        json.WriteNullableNumber("problem_offset", file.ProblemOffset);
        if (file.Problem is null)
        {
            json.WriteNull("problem");
        }
        else
        {
            json.WriteString("problem", file.Problem);
        }

        json.WriteEndObject();
    }
}
