using System.Globalization;
using System.Text.RegularExpressions;
using TrainWatch.Cli.Commands;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Dashboard;

/// <summary>
/// Splits a run's alert texts into single alerts. The watcher writes one text per alert kind and sample step, one line
/// per alert: <c>**step N** · `layer` · message</c>. A line in another form (another writer's) is one alert with
/// the text's own step and no layer.
/// </summary>
internal static partial class AlertTexts
{
    [GeneratedRegex(@"^\*\*step (?<step>-?\d+)\*\* · `(?<layer>[^`]*)` · (?<message>.*)$")]
    private static partial Regex WatcherLine();

    /// <summary>Every alert of <paramref name="run"/>, newest first (same step: in tag order).</summary>
    public static IReadOnlyList<DashboardAlert> Newest(RunData run)
    {
        var alerts = new List<DashboardAlert>();
        foreach (var (tag, texts) in run.Texts.Where(t => t.Key.StartsWith(TailSnapshot.AlertPrefix, StringComparison.Ordinal)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            foreach (var text in texts)
            {
                foreach (string line in text.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var match = WatcherLine().Match(line);
                    alerts.Add(match.Success && long.TryParse(match.Groups["step"].ValueSpan, CultureInfo.InvariantCulture, out long step)
                        ? new DashboardAlert(step, tag, match.Groups["layer"].Value, match.Groups["message"].Value)
                        : new DashboardAlert(text.Step, tag, null, line));
                }
            }
        }

        // A stable sort: alerts of one step keep their tag order.
        return alerts.OrderByDescending(a => a.Step).ToList();
    }
}
