using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// Export as one CSV table: <c>kind,run,tag,step,wall_time,value,min,max,num,mean,std,p1..p99</c>. Scalar rows fill
/// <c>value</c>; histogram rows fill the statistics; the other cells stay empty. One table so a single file holds a run.
/// Every run's scalars come first, then its histograms, tags in ordinal order, values in file order
/// (<c>ExportCommand</c> puts the rows in that order).
/// </summary>
internal static class CsvExport
{
    private static readonly int s_statisticsColumns = 5 + ExportPercentiles.Values.Length;

    /// <summary>Writes the header line.</summary>
    public static void WriteHeader(TextWriter writer)
    {
        writer.Write("kind,run,tag,step,wall_time,value,min,max,num,mean,std");
        foreach (int p in ExportPercentiles.Values)
        {
            writer.Write($",p{p}");
        }

        writer.WriteLine();
    }

    /// <summary>Writes one scalar's line.</summary>
    public static void WriteScalar(TextWriter writer, string run, string tag, ScalarPoint point)
    {
        WriteKey(writer, "scalar", run, tag, point.Step, point.WallTime);
        writer.Write(',');
        writer.Write(NumberText.RoundTrip(point.Value));
        writer.Write(new string(',', s_statisticsColumns));
        writer.WriteLine();
    }

    /// <summary>Writes one histogram's line.</summary>
    public static void WriteHistogram(TextWriter writer, string run, string tag, HistogramPoint point)
    {
        var h = point.Histogram;
        WriteKey(writer, "histogram", run, tag, point.Step, point.WallTime);
        writer.Write(',');
        foreach (double value in new[] { h.Min, h.Max, h.Num, h.Mean, h.StandardDeviation })
        {
            writer.Write(',');
            writer.Write(NumberText.RoundTrip(value));
        }

        foreach (int p in ExportPercentiles.Values)
        {
            writer.Write(',');
            writer.Write(NumberText.RoundTrip(h.Quantile(p / 100.0)));
        }

        writer.WriteLine();
    }

    private static void WriteKey(TextWriter writer, string kind, string run, string tag, long step, double wallTime)
    {
        writer.Write(kind);
        writer.Write(',');
        writer.Write(Escape(run));
        writer.Write(',');
        writer.Write(Escape(tag));
        writer.Write(',');
        writer.Write(step.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.Write(',');

        // Wall time is a double of unix seconds; never shorten it to float precision.
        writer.Write(wallTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }

    // RFC 4180: quote fields holding a comma, quote or line break; double the quotes inside.
    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
