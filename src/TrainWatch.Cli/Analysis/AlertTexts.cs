using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// Splits a run's alert texts into single alerts. The watcher writes one text per alert kind and sample step, one line
/// per alert (<see cref="AlertLine"/>). A line in another form (another writer's) is one alert with the text's own step
/// and no layer.
/// </summary>
internal static class AlertTexts
{
    /// <summary>Every alert of <paramref name="run"/>, newest first (same step: in tag order).</summary>
    public static IReadOnlyList<DashboardAlert> Newest(RunData run)
    {
        var alerts = new List<DashboardAlert>();
        foreach (var (tag, texts) in run.Texts.Where(t => AlertTags.IsAlertKind(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            foreach (var text in texts)
            {
                foreach (string line in text.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    alerts.Add(AlertLine.Parse(line) is { } parts
                        ? FromParts(tag, parts)
                        : new DashboardAlert(text.Step, tag, null, line));
                }
            }
        }

        // A stable sort: alerts of one step keep their tag order.
        return alerts.OrderByDescending(a => a.Step).ToList();
    }

    private static DashboardAlert FromParts(string tag, AlertLineParts parts)
    {
        var (message, incident) = AlertLine.SplitIncident(parts.Text);
        return new DashboardAlert(parts.Step, tag, parts.Layer, message, incident);
    }
}
