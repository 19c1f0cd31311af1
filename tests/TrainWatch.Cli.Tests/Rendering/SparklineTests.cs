using TrainWatch.Cli.Rendering;

namespace TrainWatch.Cli.Tests.Rendering;

public class SparklineTests
{
    [Fact]
    public void A_rising_series_climbs_from_the_lowest_mark_to_the_highest()
    {
        Assert.Equal("▁▂▃▄▅▆▇█", Sparkline.Draw([0, 1, 2, 3, 4, 5, 6, 7], 8, unicode: true));
        Assert.Equal("_.-:=+*#", Sparkline.Draw([0, 1, 2, 3, 4, 5, 6, 7], 8, unicode: false));
    }

    [Fact]
    public void Only_the_latest_values_that_fit_are_drawn_and_scaled()
    {
        // The early 1000 is out of the window: it must not flatten what is drawn.
        Assert.Equal("▁█▁", Sparkline.Draw([1000, 1, 3, 1], 3, unicode: true));
    }

    [Fact]
    public void Non_finite_values_are_marked_and_do_not_take_part_in_the_scale()
    {
        Assert.Equal("▁!█!", Sparkline.Draw([1, double.NaN, 2, double.PositiveInfinity], 10, unicode: true));
    }

    [Fact]
    public void A_flat_series_is_a_flat_middle_line()
    {
        Assert.Equal("▅▅▅", Sparkline.Draw([0.02, 0.02, 0.02], 10, unicode: true));
    }
}
