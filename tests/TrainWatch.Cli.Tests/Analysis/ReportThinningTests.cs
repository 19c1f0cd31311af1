using TrainWatch.Cli.Analysis;

namespace TrainWatch.Cli.Tests.Analysis;

public class ReportThinningTests
{
    [Fact]
    public void Within_the_bound_or_without_one_every_point_is_kept()
    {
        Assert.Null(ReportThinning.Indices(10, 10, 3));
        Assert.Null(ReportThinning.Indices(10_000, 0, 3));
    }

    [Fact]
    public void Above_the_bound_keeps_evenly_spaced_points_with_the_ends_and_the_ones_that_must_stay()
    {
        var kept = ReportThinning.Indices(1001, 10, 333, null, 334);

        Assert.NotNull(kept);
        Assert.Equal(10, kept.Length);
        Assert.Equal(kept.Order(), kept);
        Assert.Equal(0, kept[0]);
        Assert.Equal(1000, kept[^1]);
        Assert.Contains(333, kept);
        Assert.Contains(334, kept);

        // The other 8 are spaced 1000 / 7 apart.
        Assert.Equal([0, 143, 286, 333, 334, 429, 571, 714, 857, 1000], kept);
        Assert.Equal(["b", "d"], ReportThinning.Take(new[] { "a", "b", "c", "d" }, [1, 3]));
    }
}
