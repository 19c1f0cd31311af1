using TrainWatch.Cli.Reading;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Reading;

/// <summary>What tail's reading keeps of a long run: bounded per tag, except the alerts it shows one by one.</summary>
public class TailReadingTests
{
    private static RunData Read(int steps)
    {
        var options = new ReadOptions(KeepScalars: true, KeepHistograms: true, KeepTexts: true, TagGlob.All, LatestOnly: true, RecentScalars: 3, EveryText: TagGlob.Parse("alerts/*"));
        var accumulator = new RunAccumulator(new RunData("run", "/nowhere"), options);
        for (int step = 0; step < steps; step++)
        {
            var summary = new Summary { Value = { TextSummary.ToValue("notes", $"note {step}"), TextSummary.ToValue("alerts/nan", $"alert {step}") } };
            summary.Value.Add(ScalarSummary.ToValue("loss", step));
            summary.Value.Add(HistogramSummary.ToValue("w", HistogramSummary.FromBuckets(new HistogramData([0, 1, 2], [1, step + 1], 0, 2, 0, 0))!));
            accumulator.Add(new Event { Step = step, Summary = summary });
        }

        return accumulator.Data;
    }

    [Fact]
    public void Keeps_the_latest_values_of_each_tag_and_every_alert()
    {
        var run = Read(steps: 500);

        Assert.Equal(["note 499"], run.Texts["notes"].Select(t => t.Text));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"alert {i}"), run.Texts["alerts/nan"].Select(t => t.Text));
        Assert.Equal([497.0, 498.0, 499.0], run.Scalars["loss"].Select(p => p.Value));
        var histogram = Assert.Single(run.Histograms["w"]);
        Assert.Equal(499, histogram.Step);
        Assert.Equal(501, histogram.Histogram.Num);
        Assert.Equal(500, run.Tags["notes"].Count);
    }
}
