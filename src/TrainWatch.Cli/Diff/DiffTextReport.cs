using Spectre.Console;
using TrainWatch.Cli.Output;

namespace TrainWatch.Cli.Diff;

/// <summary>The diff as a ranked table for people.</summary>
internal static class DiffTextReport
{
    /// <summary>Writes <paramref name="result"/> to <paramref name="console"/>.</summary>
    public static void Write(DiffResult result, IAnsiConsole console)
    {
        console.WriteLine($"A: {result.RunA.Directory}");
        console.WriteLine($"B: {result.RunB.Directory}");
        console.WriteLine($"d = W1(A,B) / pooled RMS (0 = same distribution, at most 2); onset = first common step with d > {result.Options.Threshold:G4}");

        if (result.Ranked.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("#", "tag", "max d", "at step", "onset", "norm B/A", "std B/A", "steps", "exploding");
            int rank = 0;
            foreach (var tag in result.Ranked)
            {
                rank++;
                string exploding = string.Join("; ", new[] { tag.ExplodingInA, tag.ExplodingInB }.Where(e => e is not null).Select(e => e!.Describe()));
                table.AddRow(
                    Markup.Escape(rank.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    Markup.Escape(tag.Tag),
                    NumberText.Short(tag.MaxDistance),
                    tag.MaxDistanceStep?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    tag.OnsetStep?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    tag.Steps.Length > 0 ? NumberText.Short(tag.NormRatios[^1]) : "-",
                    tag.Steps.Length > 0 ? NumberText.Short(tag.StdRatios[^1]) : "-",
                    tag.Steps.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(exploding.Length > 0 ? exploding : "-"));
            }

            console.Write(table);
            console.WriteLine("norm B/A and std B/A are at the last common step; steps = common steps compared.");
        }

        foreach (string note in result.Notes)
        {
            console.WriteLine($"note: {note}");
        }

        WriteOnlyIn(console, "A", result.TagsOnlyInA);
        WriteOnlyIn(console, "B", result.TagsOnlyInB);
        console.WriteLine(Summarize(result));
    }

    /// <summary>The one-sentence verdict.</summary>
    public static string Summarize(DiffResult result)
    {
        var diverging = result.Ranked.Where(t => t.OnsetStep is not null).ToList();
        var exploding = result.Ranked.Where(t => t.ExplodingInA is not null || t.ExplodingInB is not null).ToList();
        if (diverging.Count == 0 && exploding.Count == 0)
        {
            return result.Ranked.Count == 0
                ? "nothing compared: the runs share no histogram tag."
                : $"no difference above the threshold in {result.Ranked.Count} common histogram tag(s).";
        }

        var parts = new List<string>();
        if (diverging.Count > 0)
        {
            var earliest = diverging.OrderBy(t => t.OnsetStep).ThenByDescending(t => t.MaxDistance).First();
            parts.Add($"{diverging.Count} of {result.Ranked.Count} tag(s) exceed the threshold; most divergent '{result.Ranked[0].Tag}' (max d {NumberText.Short(result.Ranked[0].MaxDistance)}), earliest onset '{earliest.Tag}' at step {earliest.OnsetStep}");
        }

        if (exploding.Count > 0)
        {
            parts.Add($"{exploding.Count} tag(s) with exploding norms ({string.Join(", ", exploding.Take(3).Select(t => $"'{t.Tag}' in run {(t.ExplodingInB is not null ? "B" : "A")}"))}{(exploding.Count > 3 ? ", ..." : string.Empty)})");
        }

        return string.Join("; ", parts) + ".";
    }

    private static void WriteOnlyIn(IAnsiConsole console, string run, IReadOnlyList<string> tags)
    {
        if (tags.Count > 0)
        {
            console.WriteLine($"only in run {run} ({tags.Count} histogram tag(s), not compared): {string.Join(", ", tags.Take(10))}{(tags.Count > 10 ? ", ..." : string.Empty)}");
        }
    }
}
