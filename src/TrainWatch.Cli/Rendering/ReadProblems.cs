using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Rendering;

/// <summary>Reports what went wrong while reading files: one line each on standard error.</summary>
internal static class ReadProblems
{
    /// <summary>
    /// Writes a line per damaged, empty or cut-short file: corruption and files without a single event are problems,
    /// an incomplete last record is a warning (a writer may still be writing). Returns whether any problem was found.
    /// </summary>
    public static bool Report(IEnumerable<RunData> runs, CliContext context)
    {
        bool problems = false;
        foreach (var file in runs.SelectMany(r => r.Files))
        {
            if (file.Describe() is not { } description)
            {
                continue;
            }

            if (file.IsProblem)
            {
                context.Problem(description);
                problems = true;
            }
            else
            {
                context.Warn(description);
            }
        }

        return problems;
    }
}
