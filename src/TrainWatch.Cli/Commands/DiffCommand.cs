using System.CommandLine;
using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;
using TrainWatch.Cli.Rendering;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Commands;

/// <summary>
/// <c>trainwatch diff RUN_A RUN_B</c>: names the root cause of a divergence (the first layer whose gradient norm
/// leaves run A's, or a learning-rate change before it), reports NaN/Inf, compares the training scalars, and compares
/// the histogram tags step by step, diverging ones first. Exit 1 when anything differs, a file is damaged, or nothing
/// could be compared; 0 when the runs match.
/// </summary>
internal static class DiffCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var runA = new Argument<string>("RUN_A") { Description = "The reference run: a run directory (or a directory holding exactly one run, or one event file)." };
        var runB = new Argument<string>("RUN_B") { Description = "The run compared with it." };
        var threshold = new Option<double>("--threshold")
        {
            Description = "Onset = first common step where d = W1 / pooled RMS exceeds this (0..2).",
            DefaultValueFactory = _ => DiffOptions.DefaultThreshold,
        };
        var explodeFactor = new Option<double>("--explode-factor")
        {
            Description = "Flag a norm as exploding when its exponential fit grows by at least this factor over the last half of the run.",
            DefaultValueFactory = _ => ExplosionDetector.DefaultFactor,
        };
        var maxPoints = new Option<int>("--max-points-per-tag")
        {
            Description = $"Report at most this many common steps per tag (evenly spaced, with the onset and the maximum; 0 = all). Verdicts always use every step. Default {DiffOptions.DefaultMaxPointsPerTag}.",
            DefaultValueFactory = _ => DiffOptions.DefaultMaxPointsPerTag,
        };
        var tags = CommonOptions.Tags();
        var report = new Option<string?>("--report", "--html") { Description = "Also write a self-contained HTML report to this file (--html is the same)." };
        var tensorBoardOut = new Option<string?>("--tb-out") { Description = "Also write the distances as a TensorBoard run (scalars diff/<tag>) into this directory." };
        var json = CommonOptions.Json();
        var command = new Command("diff", "Compare two runs: root cause of a divergence, NaN/Inf, learning rates and loss, and histogram distances per tag and step.")
        {
            runA, runB, threshold, explodeFactor, maxPoints, tags, report, tensorBoardOut, json,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(context, parse.GetValue(runA)!, parse.GetValue(runB)!,
            new DiffOptions(parse.GetValue(threshold), TagGlob.Parse(parse.GetValue(tags)), parse.GetValue(explodeFactor), parse.GetValue(maxPoints)),
            parse.GetValue(report), parse.GetValue(tensorBoardOut), parse.GetValue(json), cancellation)));
        return command;
    }

    private static int Run(CliContext context, string pathA, string pathB, DiffOptions options, string? reportPath, string? tensorBoardOut, bool asJson, CancellationToken cancellation)
    {
        if (!(options.Threshold >= 0) || !(options.ExplodeFactor > 1) || options.MaxPointsPerTag < 0)
        {
            throw new CliException("--threshold and --max-points-per-tag must be 0 or more and --explode-factor more than 1.");
        }

        var runs = new[] { RunLocator.FindSingleRun(pathA), RunLocator.FindSingleRun(pathB) };
        // First reading: each histogram's stats only, never its buckets (those are read again, pair by pair, in Compare).
        var read = new ReadOptions(KeepScalars: true, KeepHistograms: false, KeepTexts: true, options.Tags, ScalarTags: TagGlob.Parse(NonFiniteDetector.ScalarTags), SummarizeHistograms: true,
            TextTags: TagGlob.Parse(AlertTags.Prefix + "*"));
        var loaded = RunSetLoader.Load(runs, read, context, cancellation);
        bool readProblems = ReadProblems.Report(loaded, context);

        var result = DiffAnalysis.Compare(runs[0], loaded[0], runs[1], loaded[1], options, charts: reportPath is not null, cancellation);
        if (asJson)
        {
            using (var stream = new TextWriterStream(context.Out))
            using (var json = JsonOutput.Create(stream))
            {
                DiffJsonReport.Write(result, json);
            }

            context.Out.WriteLine();
        }
        else
        {
            DiffTextReport.Write(result, context.Out, context.Width);
        }

        if (reportPath is not null)
        {
            DiffHtmlReport.Write(result, reportPath);
        }

        if (tensorBoardOut is not null)
        {
            DiffTensorBoardOutput.Write(result, tensorBoardOut);
        }

        if (result.Ranked.Count == 0)
        {
            context.Problem(DiffTextReport.Summarize(result) + (result.Notes.Count > 0 ? " " + result.Notes[0] : string.Empty));
        }

        return readProblems || result.HasFindings || result.Ranked.Count == 0 ? ExitCodes.ProblemsFound : ExitCodes.Ok;
    }
}
