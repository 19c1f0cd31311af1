using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>
/// What <c>tail</c> has shown so far, so each refresh can tell what is new: alerts never repeat, and a tag's latest value
/// counts as changed only when its step moves.
/// </summary>
internal sealed class TailSnapshot
{
    /// <summary>The tag prefix of alert text summaries.</summary>
    public const string AlertPrefix = AlertTags.Prefix;

    private readonly Dictionary<(string Run, string Tag), int> _alertsShown = [];
    private readonly Dictionary<(string Run, string Tag), long> _stepShown = [];

    /// <summary>Every alert seen, oldest first.</summary>
    public List<AlertEntry> Alerts { get; } = [];

    /// <summary>Collects alerts that appeared since the last call.</summary>
    public IReadOnlyList<AlertEntry> TakeNewAlerts(IEnumerable<RunData> runs)
    {
        var fresh = new List<AlertEntry>();
        foreach (var run in runs)
        {
            foreach (var (tag, texts) in run.Texts.Where(t => t.Key.StartsWith(AlertPrefix, StringComparison.Ordinal)).OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                int shown = _alertsShown.GetValueOrDefault((run.Name, tag));
                for (int i = shown; i < texts.Count; i++)
                {
                    fresh.Add(new AlertEntry(run.Name, tag, texts[i].Step, texts[i].Text));
                }

                _alertsShown[(run.Name, tag)] = texts.Count;
            }
        }

        fresh.Sort((x, y) => x.Step.CompareTo(y.Step));
        Alerts.AddRange(fresh);
        return fresh;
    }

    /// <summary>The latest value of every scalar and histogram tag, by run then tag.</summary>
    public static List<LatestValue> Latest(IEnumerable<RunData> runs)
    {
        var latest = new List<LatestValue>();
        foreach (var run in runs)
        {
            foreach (var (tag, points) in run.Scalars)
            {
                if (points.Count > 0)
                {
                    latest.Add(new LatestValue(run.Name, tag, ValueKind.Scalar, points[^1].Step, points[^1].Value, null));
                }
            }

            foreach (var (tag, points) in run.Histograms)
            {
                if (points.Count > 0)
                {
                    latest.Add(new LatestValue(run.Name, tag, ValueKind.Histogram, points[^1].Step, double.NaN, points[^1].Histogram));
                }
            }
        }

        return latest.OrderBy(v => v.Run, StringComparer.Ordinal).ThenBy(v => v.Tag, StringComparer.Ordinal).ToList();
    }

    /// <summary>The latest values whose step changed since the last call.</summary>
    public IReadOnlyList<LatestValue> TakeChanged(IEnumerable<RunData> runs)
    {
        var changed = new List<LatestValue>();
        foreach (var value in Latest(runs))
        {
            if (!_stepShown.TryGetValue((value.Run, value.Tag), out long step) || step != value.Step)
            {
                _stepShown[(value.Run, value.Tag)] = value.Step;
                changed.Add(value);
            }
        }

        return changed;
    }
}
