using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Tests.Support;

/// <summary>Builds runs in memory, as the reader would hold them, for the dashboard's rules.</summary>
internal static class DashboardRuns
{
    /// <summary>A run holding <paramref name="series"/> (tag → values at steps 0, 10, 20, ...), tags in the given order.</summary>
    public static RunData With(params (string Tag, double[] Values)[] series)
    {
        var run = new RunData("run", "/nowhere");
        foreach (var (tag, values) in series)
        {
            var info = new TagInfo(tag, ValueKind.Scalar, "scalars", run.Tags.Count);
            run.Tags[tag] = info;
            run.Scalars[tag] = values.Select((v, i) => new ScalarPoint(i * 10L, 0, v)).ToList();
            foreach (var point in run.Scalars[tag])
            {
                info.Add(point.Step);
            }
        }

        return run;
    }

    /// <summary>The same run under another name.</summary>
    public static RunData Named(this RunData run, string name)
    {
        var named = new RunData(name, run.Directory);
        foreach (var (tag, info) in run.Tags)
        {
            named.Tags[tag] = info;
        }

        foreach (var (tag, points) in run.Scalars)
        {
            named.Scalars[tag] = points;
        }

        foreach (var (tag, texts) in run.Texts)
        {
            named.Texts[tag] = texts;
        }

        return named;
    }

    /// <summary>Adds a text value to <paramref name="run"/>.</summary>
    public static RunData WithText(this RunData run, string tag, long step, string text)
    {
        if (!run.Texts.TryGetValue(tag, out var texts))
        {
            texts = [];
            run.Texts[tag] = texts;
        }

        texts.Add(new TextPoint(step, 0, text));
        return run;
    }

    /// <summary>One alert line as the watcher writes it (<see cref="AlertLine"/>), in incident 1.</summary>
    public static string WatcherAlert(long step, string layer, string message, int incident = 1) => AlertLine.Format(step, layer, message, incident);

    /// <summary>The line the watcher writes when an incident starts (<see cref="IncidentLine"/>).</summary>
    public static string WatcherIncident(int id, long step, string layer, string kind, string causeClass, string cause, string whatToTry) =>
        IncidentLine.Format(id, step, layer, kind, causeClass, cause, whatToTry);
}
