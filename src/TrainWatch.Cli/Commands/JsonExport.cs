using System.Text.Json;
using TrainWatch.Cli.Output;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Commands;

/// <summary>
/// Export as JSON: <c>{"scalars": [{run, tag, step, wall_time, value}], "histograms": [{run, tag, step, wall_time, min,
/// max, num, mean, std, percentiles: {p1: ...}, buckets: [[left, right, count], ...]}]}</c>.
/// </summary>
internal static class JsonExport
{
    /// <summary>Writes every run's scalars and histograms.</summary>
    public static void Write(Utf8JsonWriter json, IReadOnlyList<RunData> runs)
    {
        json.WriteStartObject();
        json.WriteStartArray("scalars");
        foreach (var run in runs)
        {
            foreach (var (tag, points) in run.Scalars.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                foreach (var point in points)
                {
                    json.WriteStartObject();
                    WriteKey(json, run.Name, tag, point.Step, point.WallTime);
                    json.WriteDouble("value", point.Value);
                    json.WriteEndObject();
                }
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("histograms");
        foreach (var run in runs)
        {
            foreach (var (tag, points) in run.Histograms.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                foreach (var point in points)
                {
                    WriteHistogram(json, run.Name, tag, point);
                }
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteHistogram(Utf8JsonWriter json, string run, string tag, HistogramPoint point)
    {
        var h = point.Histogram;
        json.WriteStartObject();
        WriteKey(json, run, tag, point.Step, point.WallTime);
        json.WriteDouble("min", h.Min);
        json.WriteDouble("max", h.Max);
        json.WriteDouble("num", h.Num);
        json.WriteDouble("mean", h.Mean);
        json.WriteDouble("std", h.StandardDeviation);
        json.WriteStartObject("percentiles");
        foreach (int p in ExportPercentiles.Values)
        {
            json.WriteDouble($"p{p}", h.Quantile(p / 100.0));
        }

        json.WriteEndObject();
        json.WriteStartArray("buckets");
        for (int i = 0; i < h.BucketCount; i++)
        {
            json.WriteStartArray();
            json.WriteDoubleValue(h.Edges[i]);
            json.WriteDoubleValue(h.Edges[i + 1]);
            json.WriteDoubleValue(h.CountOf(i));
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteKey(Utf8JsonWriter json, string run, string tag, long step, double wallTime)
    {
        json.WriteString("run", run);
        json.WriteString("tag", tag);
        json.WriteNumber("step", step);

        // Wall time keeps full double precision (the float shortcut of WriteDouble would not apply to it anyway).
        json.WriteNumber("wall_time", wallTime);
    }
}
