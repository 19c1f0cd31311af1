using TrainWatch.Cli.Analysis;

namespace TrainWatch.Cli.Tests.Analysis;

public class StepGapsTests
{
    [Fact]
    public void The_median_is_the_one_a_sorted_list_of_every_spacing_gives()
    {
        var random = new Random(5);
        var series = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, random.Next(0, 30)).Select(_ => (long)random.Next(0, 500)).Order().ToArray()).ToList();
        var gaps = new StepGaps();
        var merged = new StepGaps();
        foreach (var steps in series.Take(10))
        {
            gaps.Add(steps);
        }

        foreach (var steps in series.Skip(10))
        {
            merged.Add(steps);
        }

        gaps.Add(merged);
        var all = series.SelectMany(s => s.Skip(1).Select((step, i) => step - s[i])).Order().ToList();

        Assert.Equal(all.Count, gaps.Count);
        Assert.Equal(all[all.Count / 2], gaps.Median());
        Assert.Null(new StepGaps().Median());
        Assert.Equal(1, DivergenceOrder.Interval(new StepGaps()));
    }
}
