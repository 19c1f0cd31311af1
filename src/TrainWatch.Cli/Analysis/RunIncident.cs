using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// One incident of a run as the CLI shows it: how it started (root, likely cause, what to try) and every finding it
/// groups, the root's own alert included.
/// </summary>
/// <param name="Start">The watcher's incident line.</param>
/// <param name="Findings">Its findings, oldest first.</param>
internal sealed record RunIncident(IncidentLineParts Start, IReadOnlyList<DashboardAlert> Findings)
{
    /// <summary>The root's own alert, if its line was read (the first finding at the root's layer and step).</summary>
    public DashboardAlert? Root => Findings.FirstOrDefault(f => f.Step == Start.Step && f.Layer == Start.Layer) ?? Findings.FirstOrDefault();

    /// <summary>The findings it explains: all but the root.</summary>
    public IEnumerable<DashboardAlert> Consequences => Findings.Where(f => !ReferenceEquals(f, Root));

    /// <summary>The incidents of <paramref name="run"/> in the order they started (diff's reports list them so).</summary>
    public static IEnumerable<RunIncident> OldestFirst(RunData run) => Of(run, AlertTexts.Newest(run)).Reverse();

    /// <summary>The incidents of <paramref name="run"/>, newest first; none for a run written before incidents.</summary>
    public static IReadOnlyList<RunIncident> Of(RunData run, IReadOnlyList<DashboardAlert> alerts)
    {
        if (!run.Texts.TryGetValue(AlertTags.Incidents, out var texts))
        {
            return [];
        }

        var starts = texts.SelectMany(t => t.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(IncidentLine.Parse)
            .OfType<IncidentLineParts>()
            .DistinctBy(s => s.Id);
        var byIncident = alerts.Where(a => a.Incident is not null).ToLookup(a => a.Incident!.Value);
        return starts
            .Select(s => new RunIncident(s, byIncident[s.Id].OrderBy(a => a.Step).ToList()))
            .OrderByDescending(i => i.Start.Step)
            .ThenByDescending(i => i.Start.Id)
            .ToList();
    }
}
