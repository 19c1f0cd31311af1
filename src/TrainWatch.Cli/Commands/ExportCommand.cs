using System.CommandLine;
using System.Text;
using TrainWatch.Cli.Output;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Commands;

/// <summary>
/// <c>trainwatch export LOGDIR --format csv|json [--tags GLOB] [--output FILE]</c>: scalars and histogram summaries of every
/// run, in either form they were written in.
/// </summary>
internal static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var logDirectory = CommonOptions.LogDirectory();
        var format = new Option<string>("--format")
        {
            Description = "csv (one row per value; histograms as summary statistics and percentiles) or json (adds the buckets).",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "json");
        var tags = CommonOptions.Tags();
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var json = CommonOptions.Json();
        json.Description = "Same as --format json.";
        var command = new Command("export", "Export scalars and histogram summaries as CSV or JSON.") { logDirectory, format, tags, output, json };
        command.SetAction((parse, cancellation) =>
        {
            string chosen = parse.GetValue(json) ? "json" : parse.GetValue(format)!;
            return Task.FromResult(Run(context, parse.GetValue(logDirectory)!, chosen, TagGlob.Parse(parse.GetValue(tags)), parse.GetValue(output), cancellation));
        });
        return command;
    }

    private static int Run(CliContext context, string path, string format, TagGlob tags, string? outputPath, CancellationToken cancellation)
    {
        var runs = RunSetLoader.Load(RunLocator.FindRuns(path), new ReadOptions(KeepScalars: true, KeepHistograms: true, KeepTexts: false, tags), context, cancellation);
        bool problems = ReadProblems.Report(runs, context);
        if (runs.All(r => r.Scalars.Count == 0 && r.Histograms.Count == 0))
        {
            context.Warn(tags.Patterns is null ? "no scalar or histogram values to export." : $"no scalar or histogram tag matches '{tags.Patterns}'.");
        }

        if (outputPath is null)
        {
            WriteTo(context.Out, runs, format);
        }
        else
        {
            using var file = new StreamWriter(outputPath, append: false, new UTF8Encoding(false));
            WriteTo(file, runs, format);
        }

        return problems ? ExitCodes.ProblemsFound : ExitCodes.Ok;
    }

    private static void WriteTo(TextWriter writer, IReadOnlyList<RunData> runs, string format)
    {
        if (format == "json")
        {
            using (var stream = new TextWriterStream(writer))
            // Compact: an export of a long run is large, and it is read by programs.
            using (var json = JsonOutput.Create(stream, indented: false))
            {
                JsonExport.Write(json, runs);
            }

            writer.WriteLine();
        }
        else
        {
            CsvExport.Write(writer, runs);
        }

        writer.Flush();
    }
}
