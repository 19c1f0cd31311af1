using System.CommandLine;
using System.Text;
using TrainWatch.Cli.Reading;
using TrainWatch.Cli.Rendering;

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
        bool json = format == "json";
        var found = RunLocator.FindRuns(path);

        // Each value becomes its row as it is read; the rows wait in a spool per run (memory, then a temporary file)
        // only to come out grouped by tag, so memory does not grow with the run.
        var spools = found.Select(_ => new ExportSpool(ExportSpool.MemoryBytesFor(found.Count))).ToArray();
        try
        {
            var rows = found.Select((run, i) => new ExportRows(run.Name, json, spools[i])).ToArray();
            IReadOnlyList<RunData> runs;
            try
            {
                runs = RunSetLoader.Load(found, new ReadOptions(KeepScalars: true, KeepHistograms: true, KeepTexts: false, tags), context, cancellation, rows);
            }
            finally
            {
                foreach (var sink in rows)
                {
                    sink.Dispose();
                }
            }

            bool problems = ReadProblems.Report(runs, context);
            if (spools.All(s => s.IsEmpty))
            {
                context.Warn(tags.Patterns is null ? "no scalar or histogram values to export." : $"no scalar or histogram tag matches '{tags.Patterns}'.");
            }

            if (outputPath is null)
            {
                WriteTo(context.Out, spools, json);
            }
            else
            {
                using var file = new StreamWriter(outputPath, append: false, new UTF8Encoding(false));
                WriteTo(file, spools, json);
            }

            return problems ? ExitCodes.ProblemsFound : ExitCodes.Ok;
        }
        finally
        {
            foreach (var spool in spools)
            {
                spool.Dispose();
            }
        }
    }

    private static void WriteTo(TextWriter writer, IReadOnlyList<ExportSpool> spools, bool json)
    {
        using (var stream = new TextWriterStream(writer))
        {
            if (json)
            {
                // Compact, one line: an export of a long run is large, and it is read by programs.
                stream.Write("{\"scalars\":["u8);
                WriteArray(stream, spools, histograms: false);
                stream.Write("],\"histograms\":["u8);
                WriteArray(stream, spools, histograms: true);
                stream.Write("]}"u8);
            }
            else
            {
                CsvExport.WriteHeader(writer);
                foreach (var spool in spools)
                {
                    foreach (bool histograms in new[] { false, true })
                    {
                        foreach (string tag in spool.Tags(histograms))
                        {
                            spool.CopyTo(histograms, tag, stream);
                        }
                    }
                }
            }
        }

        if (json)
        {
            writer.WriteLine();
        }

        writer.Flush();
    }

    // One JSON array's elements: every run's objects of one kind, tags in ordinal order, commas between them.
    private static void WriteArray(Stream stream, IReadOnlyList<ExportSpool> spools, bool histograms)
    {
        bool first = true;
        foreach (var spool in spools)
        {
            foreach (string tag in spool.Tags(histograms))
            {
                if (!first)
                {
                    stream.Write(","u8);
                }

                spool.CopyTo(histograms, tag, stream);
                first = false;
            }
        }
    }
}
