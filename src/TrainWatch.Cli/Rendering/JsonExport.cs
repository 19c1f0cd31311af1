using System.Text.Json;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// Export as JSON: <c>{"scalars": [{run, tag, step, wall_time, value}], "histograms": [{run, tag, step, wall_time, min,
/// max, num, mean, std, percentiles: {p1: ...}, buckets: [[left, right, count], ...]}]}</c>: every run's scalars, then every
/// run's histograms, tags in ordinal order, values in file order (<c>ExportCommand</c> puts the objects in that
/// order and writes the document around them).
/// </summary>
internal static class JsonExport
{
    /// <summary>Writes one scalar as an object of the <c>scalars</c> array.</summary>
    public static void WriteScalar(Utf8JsonWriter json, string run, string tag, ScalarPoint point)
    {
        json.WriteStartObject();
        WriteKey(json, run, tag, point.Step, point.WallTime);
        json.WriteDouble("value", point.Value);
        json.WriteEndObject();
    }

    /// <summary>Writes one histogram as an object of the <c>histograms</c> array.</summary>
    public static void WriteHistogram(Utf8JsonWriter json, string run, string tag, HistogramPoint point)
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
