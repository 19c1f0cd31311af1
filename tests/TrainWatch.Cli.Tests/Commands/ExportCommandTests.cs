using System.Globalization;
using System.Text.Json;
using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Commands;

public class ExportCommandTests
{
    private static readonly double[] s_values = [0.1, -3.5, 1e-4, 123456.789];

    private static void WriteScalars(string directory)
    {
        using var writer = new SummaryWriter(directory);
        for (int i = 0; i < s_values.Length; i++)
        {
            writer.AddScalar("loss", s_values[i], step: i * 100, wallTime: DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250 + i * 1000));
        }
    }

    [Fact]
    public void Csv_scalars_equal_what_was_written()
    {
        using var dir = new TempDirectory();
        WriteScalars(dir.Combine("run"));

        var result = TrainWatchCli.Run("export", dir.Path, "--format", "csv");

        Assert.Equal(0, result.ExitCode);
        var rows = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToList();
        Assert.Equal(["kind", "run", "tag", "step", "wall_time", "value"], rows[0][..6]);
        var scalars = rows.Skip(1).Where(r => r[0] == "scalar").ToList();
        Assert.Equal(s_values.Length, scalars.Count);
        for (int i = 0; i < s_values.Length; i++)
        {
            Assert.Equal(["scalar", "run", "loss", (i * 100).ToString(CultureInfo.InvariantCulture)], scalars[i][..4]);
            Assert.Equal(1_700_000_000.25 + i, double.Parse(scalars[i][4], CultureInfo.InvariantCulture));

            // simple_value is float32: the exported text is exactly the float that was stored.
            Assert.Equal((float)s_values[i], float.Parse(scalars[i][5], CultureInfo.InvariantCulture));
        }

        Assert.Equal("0.1", scalars[0][5]);
    }

    [Fact]
    public void Json_export_reads_tensor_scalars_and_tensor_histograms_with_the_plugin_only_on_the_first_value()
    {
        using var dir = new TempDirectory();
        var buckets = new HistogramData([-1, 0, 1, 2], [2, 0, 6], -1, 2, 0, 0);
        using (var writer = new EventFileWriter(dir.Combine("tb2")))
        {
            writer.Write(1, new Summary { Value = { TestRuns.TensorScalar("acc", 0.25f, withMetadata: true), TestRuns.TensorHistogram("h", buckets, HistogramForm.FloatTensor, withMetadata: true) } });
            writer.Write(2, new Summary { Value = { TestRuns.TensorScalar("acc", 0.5f, withMetadata: false), TestRuns.TensorHistogram("h", buckets, HistogramForm.DoubleTensor, withMetadata: false) } });
        }

        var result = TrainWatchCli.Run("export", dir.Path, "--json");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal([0.25, 0.5], root.GetProperty("scalars").EnumerateArray().Select(s => s.GetProperty("value").GetDouble()));
        var histograms = root.GetProperty("histograms").EnumerateArray().ToList();
        Assert.Equal(2, histograms.Count);
        foreach (var h in histograms)
        {
            Assert.Equal(8, h.GetProperty("num").GetDouble());
            Assert.Equal(-1, h.GetProperty("min").GetDouble());
            Assert.Equal(2, h.GetProperty("max").GetDouble());

            // Uniform within buckets: mean = (2·(−0.5) + 6·1.5) / 8.
            Assert.Equal(1.0, h.GetProperty("mean").GetDouble(), 12);
            var rows = h.GetProperty("buckets").EnumerateArray().Select(b => b.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            Assert.Equal([[-1, 0, 2], [0, 1, 0], [1, 2, 6]], rows);
            // The 4th of 8 values: 2 lie left of 1, so it is a third into the [1, 2] bucket of 6.
            Assert.Equal(4.0 / 3, h.GetProperty("percentiles").GetProperty("p50").GetDouble(), 12);
        }
    }

    [Fact]
    public void Histogram_protos_export_their_writers_statistics()
    {
        using var dir = new TempDirectory();
        float[] values = [-2f, -0.5f, 0.25f, 0.25f, 3f];
        using (var writer = new SummaryWriter(dir.Combine("run")))
        {
            writer.AddHistogram("w", values, 9);
        }

        var result = TrainWatchCli.Run("export", dir.Path, "--json");

        var h = JsonDocument.Parse(result.Out).RootElement.GetProperty("histograms")[0];
        Assert.Equal(9, h.GetProperty("step").GetInt64());
        Assert.Equal(-2, h.GetProperty("min").GetDouble());
        Assert.Equal(3, h.GetProperty("max").GetDouble());
        Assert.Equal(5, h.GetProperty("num").GetDouble());
        Assert.Equal(values.Average(), h.GetProperty("mean").GetDouble(), 6);
        double std = Math.Sqrt(values.Select(v => (double)v * v).Average() - Math.Pow(values.Average(), 2));
        Assert.Equal(std, h.GetProperty("std").GetDouble(), 6);
    }

    [Fact]
    public void Tags_filter_and_output_file_work_and_restarted_runs_are_read_in_file_name_order()
    {
        using var dir = new TempDirectory();
        string run = dir.Combine("run");
        Directory.CreateDirectory(run);

        // Two files in one run, as after a restart; the later name holds the later steps.
        foreach (var (name, first) in new[] { ("events.out.tfevents.0000000002.host.2.0", 10), ("events.out.tfevents.0000000001.host.1.0", 0) })
        {
            using var writer = new EventFileWriter(run, new EventWriterOptions { FileSuffix = null });
            for (int step = first; step < first + 3; step++)
            {
                writer.Write(step, ScalarSummary.Build("train/loss", step));
                writer.Write(step, ScalarSummary.Build("val/loss", step));
            }

            writer.Dispose();
            File.Move(writer.FilePath, Path.Combine(run, name));
        }

        var result = TrainWatchCli.Run("export", dir.Path, "--tags", "train/*", "--output", dir.Combine("out.csv"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        var steps = File.ReadAllLines(dir.Combine("out.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(steps, r => Assert.Equal("train/loss", r[2]));
        Assert.Equal(["0", "1", "2", "10", "11", "12"], steps.Select(r => r[3]));
    }
}
