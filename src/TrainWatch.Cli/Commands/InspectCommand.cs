using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;
using TrainWatch.Cli.Rendering;
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
        var tags = CommonOptions.Tags();

        // A bare --tags lists every tag; with globs, only those. Without it, one row per statistic.
        tags.Arity = ArgumentArity.ZeroOrOne;
        tags.Description = "List every tag (kind, plugin, values, steps) instead of one row per statistic; optional comma-separated globs narrow it ('*' matches anything, slashes included).";
        var command = new Command("inspect", "List runs, their tags grouped by statistic (every tag with --tags), step ranges and counts, and check every record's CRC.")
        {
            logDirectory,
            json,
            tags,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(
            context,
            parse.GetValue(logDirectory)!,
            parse.GetValue(json),
            parse.GetResult(tags) is null ? null : TagGlob.Parse(parse.GetValue(tags)),
            cancellation)));
        return command;
    }

    private static int Run(CliContext context, string path, bool asJson, TagGlob? tagList, CancellationToken cancellation)
    {
        // Structure only, plus the one text worth showing: the model summary the watcher writes.
        var read = ReadOptions.Structure with { KeepTexts = true, Tags = TagGlob.Parse(RunTags.ModelSummary) };
        var runs = RunSetLoader.Load(RunLocator.FindRuns(path), read, context, cancellation);
        bool problems = ReadProblems.Report(runs, context);
        if (asJson)
        {
            WriteJson(context, path, runs, tagList ?? TagGlob.All);
        }
        else
        {
            WriteText(context.Out, context.Width, runs, tagList);
        }

        return problems ? ExitCodes.ProblemsFound : ExitCodes.Ok;
    }

    private static void WriteText(TextWriter output, int width, IReadOnlyList<RunData> runs, TagGlob? tagList)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var run in runs)
        {
            Say(output, width, $"run {run.Name}  ({run.Directory})");
            var files = new TextTable(
                new TextColumn("file", Wraps: true),
                new TextColumn("bytes", RightAligned: true),
                new TextColumn("events", RightAligned: true),
                new TextColumn("integrity", Wraps: true));
            foreach (var file in run.Files)
            {
                files.AddRow(Path.GetFileName(file.Path), file.Length.ToString(c), file.Events.ToString(c), Integrity(file));
            }

            files.Write(output, width);
            if (run.Tags.Count == 0)
            {
                output.WriteLine("  no summary values");
            }
            else if (tagList is null)
            {
                WriteGroups(output, width, run);
            }
            else
            {
                WriteTags(output, width, run, tagList);
            }

            if (ModelSummaryView.Find(run) is { } summary)
            {
                ModelSummaryView.WriteText(output, width, summary.Step, summary.Summary);
            }

            output.WriteLine();
        }

        int corrupt = runs.SelectMany(r => r.Files).Count(f => f.IsProblem);
        int truncated = runs.SelectMany(r => r.Files).Count(f => !f.IsProblem && f.State == Events.EventFileState.TruncatedTail);
        Say(output, width, string.Create(c, $"{runs.Count} run(s), {runs.Sum(r => r.Files.Count)} file(s): {corrupt} with problems, {truncated} with an incomplete last record (normal while being written)."));
    }

    // The compact view: one row per statistic (every layer's grad_norm/ together), then the layers they cover.
    private static void WriteGroups(TextWriter output, int width, RunData run)
    {
        var c = CultureInfo.InvariantCulture;
        var groups = TagGroups.Group(run.Tags.Values, out var layers);
        var table = new TextTable(
            new TextColumn("kind"),
            new TextColumn("statistic", Wraps: true),
            new TextColumn("tags", RightAligned: true),
            new TextColumn("steps", RightAligned: true),
            new TextColumn("values", RightAligned: true));
        foreach (var group in groups)
        {
            long fewest = group.Tags.Min(t => t.Count), most = group.Tags.Max(t => t.Count);
            string values = group.Tags.Count == 1 ? most.ToString(c)
                : fewest == most ? string.Create(c, $"{most} each")
                : string.Create(c, $"{fewest}..{most} each");
            table.AddRow(KindName(group.Kind), group.Name, group.Tags.Count.ToString(c), Steps(group.FirstStep, group.LastStep), values);
        }

        table.Write(output, width);
        if (layers.Count > 0)
        {
            Say(output, width, $"* stands for {layers.Count} layers and parameters: {string.Join(", ", layers)}");
        }

        Say(output, width, "every tag: inspect --tags [GLOBS]");
    }

    private static void WriteTags(TextWriter output, int width, RunData run, TagGlob tagList)
    {
        var c = CultureInfo.InvariantCulture;
        var tags = new TextTable(
            new TextColumn("kind"),
            new TextColumn("tag", Wraps: true),
            new TextColumn("plugin", DropOrder: 1),
            new TextColumn("values", RightAligned: true),
            new TextColumn("steps", RightAligned: true));
        foreach (var tag in run.Tags.Values.Where(t => tagList.Matches(t.Tag)).OrderBy(t => t.Kind).ThenBy(t => t.Tag, StringComparer.Ordinal))
        {
            tags.AddRow(KindName(tag.Kind), tag.Tag, tag.Plugin.Length > 0 ? tag.Plugin : "-", tag.Count.ToString(c), Steps(tag.FirstStep, tag.LastStep));
        }

        if (tags.RowCount == 0)
        {
            Say(output, width, $"  no tag matches '{tagList.Patterns}'");
            return;
        }

        tags.Write(output, width);
    }

    private static string Steps(long first, long last) =>
        first == last ? first.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{first}..{last}");

    private static void Say(TextWriter output, int width, string text)
    {
        foreach (string line in TextWrap.Wrap(text, width, "  "))
        {
            output.WriteLine(line);
        }
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

    private static void WriteJson(CliContext context, string path, IReadOnlyList<RunData> runs, TagGlob tagList)
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
                foreach (var tag in run.Tags.Values.Where(t => tagList.Matches(t.Tag)).OrderBy(t => t.Tag, StringComparer.Ordinal))
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
