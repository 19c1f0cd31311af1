using System.Globalization;
using TrainWatch.Cli.Analysis;

namespace TrainWatch.Cli.Rendering;

/// <summary>The diff for people: the verdict on top, then the diverging layers, then the ranked tag table.</summary>
internal static class DiffTextReport
{
    private const int LayerRows = 10;

    /// <summary>Writes <paramref name="result"/> to <paramref name="output"/>, no line wider than <paramref name="width"/>.</summary>
    public static void Write(DiffResult result, TextWriter output, int width)
    {
        var c = CultureInfo.InvariantCulture;
        void Say(string text, string indent = "  ")
        {
            foreach (string line in TextWrap.Wrap(text, width, indent))
            {
                output.WriteLine(line);
            }
        }

        Say($"A: {result.RunA.Directory}", "   ");
        Say($"B: {result.RunB.Directory}", "   ");

        // Findings first: a run that went NaN, then the root cause with its evidence.
        foreach (var finding in result.NonFinite)
        {
            Say($"NON-FINITE: {finding.Describe()}");
        }

        if (result.RootCause is { } cause)
        {
            Say($"ROOT CAUSE: {Verdict(result)}");
            foreach (string line in cause.Evidence)
            {
                Say($"  - {line}", "    ");
            }
        }

        foreach (string line in DescribeScalars(result.Scalars))
        {
            Say(line);
        }

        // What the watcher itself said while each run trained: one line per incident, oldest first.
        foreach (var (name, run) in new[] { ("A", result.RunA), ("B", result.RunB) })
        {
            foreach (var incident in RunIncident.OldestFirst(run))
            {
                Say(DescribeIncident(name, incident), "    ");
            }
        }

        if (result.DivergingLayers.Count > 0)
        {
            var layers = new TextTable(
                new TextColumn("#", RightAligned: true),
                new TextColumn("layer", Wraps: true),
                new TextColumn("onset", RightAligned: true),
                new TextColumn("detected", RightAligned: true),
                new TextColumn("B/A vs before", RightAligned: true),
                new TextColumn("weights onset", RightAligned: true, DropOrder: 2),
                new TextColumn("series", Wraps: true, DropOrder: 1, MinimumWidth: 30)); // the tag the layer's norm came from: left out sooner than wrapped
            int order = 0;
            foreach (var layer in result.DivergingLayers.Take(LayerRows))
            {
                var onset = layer.Gradient.Onset!;
                layers.AddRow(
                    (++order).ToString(c),
                    layer.Layer,
                    onset.Step.ToString(c),
                    onset.DetectionStep.ToString(c),
                    NumberText.Short(Math.Exp(onset.Departure)),
                    layer.Weight?.Onset?.Step.ToString(c) ?? "-",
                    layer.Gradient.Tag);
            }

            Say($"Layers whose gradient norm diverges ({result.DivergingLayers.Count} of {result.Layers.Count}), cause first (B/A vs before = gradient-norm ratio at the onset over the ratio before it):");
            WriteTable(output, layers, width);
            if (result.DivergingLayers.Count > LayerRows)
            {
                Say($"... and {result.DivergingLayers.Count - LayerRows} more.");
            }
        }

        Say($"d = W1(A,B) / pooled RMS (0 = same distribution, at most 2); onset = first common step with d > {result.Options.Threshold:G4}; norm onset = change point of ln(norm B/A)");
        if (result.Ranked.Count > 0)
        {
            var table = new TextTable(
                new TextColumn("#", RightAligned: true),
                new TextColumn("tag", Wraps: true),
                new TextColumn("max d", RightAligned: true),
                new TextColumn("at step", RightAligned: true, DropOrder: 3),
                new TextColumn("onset", RightAligned: true),
                new TextColumn("norm onset", RightAligned: true),
                new TextColumn("norm B/A", RightAligned: true),
                new TextColumn("std B/A", RightAligned: true, DropOrder: 2),
                new TextColumn("steps", RightAligned: true, DropOrder: 1),
                new TextColumn("exploding", Wraps: true, MinimumWidth: 16));
            int rank = 0;
            foreach (var tag in result.Ranked)
            {
                rank++;
                string exploding = string.Join("; ", new[] { tag.ExplodingInA, tag.ExplodingInB }.Where(e => e is not null).Select(e => e!.Brief()));
                table.AddRow(
                    rank.ToString(c),
                    tag.Tag,
                    NumberText.Short(tag.MaxDistance),
                    tag.MaxDistanceStep?.ToString(c) ?? "-",
                    tag.OnsetStep?.ToString(c) ?? "-",
                    tag.NormOnsetStep?.ToString(c) ?? "-",
                    tag.Steps.Length > 0 ? NumberText.Short(tag.NormRatios[^1]) : "-",
                    tag.Steps.Length > 0 ? NumberText.Short(tag.StdRatios[^1]) : "-",
                    tag.CommonStepCount.ToString(c),
                    exploding.Length > 0 ? exploding : "-");
            }

            WriteTable(output, table, width);
            Say("Diverging tags first (earliest onset; within one sampling interval, largest departure of B from A), then by max d. norm B/A and std B/A are at the last common step; steps = common steps compared; exploding = the run whose norm grows exponentially, by how much over which steps.");
        }

        foreach (string note in result.Notes)
        {
            Say($"note: {note}");
        }

        WriteOnlyIn(Say, "A", result.TagsOnlyInA);
        WriteOnlyIn(Say, "B", result.TagsOnlyInB);
        Say(Summarize(result));
    }

    /// <summary>One incident of run <paramref name="run"/> on one line: root, likely cause, and how many findings it groups.</summary>
    public static string DescribeIncident(string run, RunIncident incident)
    {
        var start = incident.Start;
        int more = incident.Consequences.Count();
        return string.Create(CultureInfo.InvariantCulture,
            $"INCIDENT in {run} #{start.Id} at step {start.Step}: {start.Kind} at {start.Layer}{(more > 0 ? $" (+{more} finding{(more == 1 ? "" : "s")} it explains)" : "")}; likely {start.Cause}; try: {start.WhatToTry}");
    }

    // A table, then which of its columns this width left out and where to find them.
    private static void WriteTable(TextWriter output, TextTable table, int width)
    {
        table.Write(output, width);
        if (table.Dropped.Count > 0)
        {
            foreach (string line in TextWrap.Wrap($"(not shown at {width} columns: {string.Join(", ", table.Dropped)}; see --json or a wider COLUMNS)", width, "  "))
            {
                output.WriteLine(line);
            }
        }
    }

    /// <summary>The verdict in one sentence (without its evidence), or null.</summary>
    public static string? Verdict(DiffResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var first = result.DivergingLayers.FirstOrDefault();
        return result.RootCause switch
        {
            null => null,
            { Kind: RootCauseKind.LearningRate } cause => string.Create(c, $"run B's learning rate '{cause.Tag}' differs from run A's from step {cause.OnsetStep} (×{result.Scalars.LearningRateChanges[0].Ratio:G3})")
                + (first is null ? "; no layer's gradient norm diverges." : string.Create(c, $"; the first layer to diverge after it is '{first.Layer}' at step {first.Gradient.Onset!.Step}.")),
            { Kind: RootCauseKind.Layer } cause when first is not null => string.Create(c, $"'{cause.Layer}' — its gradient norm leaves run A's first, at step {cause.OnsetStep}")
                + (result.DivergingLayers.Count > 1 ? $"; {result.DivergingLayers.Count - 1} other layer(s) follow." : "."),
            { Kind: RootCauseKind.Layer } cause => string.Create(c, $"'{cause.Layer}' is the first layer to turn non-finite, at step {cause.OnsetStep}."),
            var cause => string.Create(c, $"'{cause.Tag}' is the earliest tag to diverge, at step {cause.OnsetStep} (distribution distance; no norm diverges)."),
        };
    }

    /// <summary>The one-sentence summary: findings, then the histogram tags.</summary>
    public static string Summarize(DiffResult result)
    {
        var parts = new List<string>();
        parts.AddRange(result.NonFinite.Select(f => f.Describe()));
        if (Verdict(result) is { } verdict)
        {
            parts.Add("root cause: " + verdict.TrimEnd('.'));
        }

        var diverging = result.Ranked.Where(t => t.OnsetStep is not null).ToList();
        var exploding = result.Ranked.Where(t => t.ExplodingInA is not null || t.ExplodingInB is not null).ToList();
        if (diverging.Count == 0 && exploding.Count == 0 && parts.Count == 0 && !result.Scalars.HasFindings)
        {
            return result.Ranked.Count == 0
                ? "nothing compared: the runs share no histogram tag."
                : $"no difference above the threshold in {result.Ranked.Count} common histogram tag(s).";
        }

        if (diverging.Count > 0)
        {
            var most = result.Ranked.MaxBy(t => t.MaxDistance)!;
            var earliest = diverging.OrderBy(t => t.OnsetStep).ThenByDescending(t => t.MaxDistance).First();
            parts.Add($"{diverging.Count} of {result.Ranked.Count} tag(s) exceed the threshold; most divergent '{most.Tag}' (max d {NumberText.Short(most.MaxDistance)}), earliest onset '{earliest.Tag}' at step {earliest.OnsetStep}");
        }

        if (exploding.Count > 0)
        {
            parts.Add($"{exploding.Count} tag(s) with exploding norms ({string.Join(", ", exploding.Take(3).Select(t => $"'{t.Tag}' in run {(t.ExplodingInB is not null ? "B" : "A")}"))}{(exploding.Count > 3 ? ", ..." : string.Empty)})");
        }

        if (parts.Count == 0)
        {
            parts.AddRange(DescribeScalars(result.Scalars));
        }

        return string.Join("; ", parts) + ".";
    }

    /// <summary>Lines about learning rates, loss and the global gradient norm that differ.</summary>
    public static IEnumerable<string> DescribeScalars(ScalarComparison scalars)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var change in scalars.LearningRateChanges)
        {
            yield return string.Create(c, $"learning rate: '{change.Tag}' of B is ×{change.Ratio:G3} A's from step {change.Step} (×{change.LastRatio:G3} at the last common step)");
        }

        if (scalars.Loss?.Onset is { } loss)
        {
            yield return string.Create(c, $"loss: B leaves A from step {loss.Step} ({Ratio(loss)})");
        }

        if (scalars.GlobalGradientNorm?.Onset is { } norm)
        {
            yield return string.Create(c, $"global gradient norm: B leaves A from step {norm.Step} ({Ratio(norm)})");
        }
    }

    private static string Ratio(Onset onset) => double.IsPositiveInfinity(onset.Departure)
        ? "non-finite or missing in B"
        : string.Create(CultureInfo.InvariantCulture, $"B/A ×{Math.Exp(onset.Departure):G3} relative to before");

    private static void WriteOnlyIn(Action<string, string> say, string run, IReadOnlyList<string> tags)
    {
        if (tags.Count > 0)
        {
            say($"only in run {run} ({tags.Count} histogram tag(s), not compared): {string.Join(", ", tags.Take(10))}{(tags.Count > 10 ? ", ..." : string.Empty)}", "  ");
        }
    }
}
