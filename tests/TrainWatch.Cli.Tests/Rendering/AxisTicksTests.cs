using TrainWatch.Cli.Rendering;

namespace TrainWatch.Cli.Tests.Rendering;

public class AxisTicksTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(0.25, "0.25")]
    [InlineData(1000, "1000")]
    [InlineData(12345, "12300")]
    [InlineData(2e-5, "2e-5")]
    [InlineData(-3.63e-5, "-3.6e-5")]
    [InlineData(1.5e6, "1.5e6")]
    [InlineData(0.01, "0.01")]
    public void Labels_are_short_and_never_in_dotnet_e_notation(double value, string expected) =>
        Assert.Equal(expected, AxisTicks.Format(value));

    [Theory]
    [InlineData(-1.2e5, 1.3e5)]
    [InlineData(-0.004, 0.0037)]
    [InlineData(0, 1.15)]
    [InlineData(995, 1003)]
    [InlineData(-474, 474)]
    public void Linear_ticks_are_round_inside_the_range_and_at_least_three(double min, double max)
    {
        var ticks = AxisTicks.Linear(min, max);

        Assert.InRange(ticks.Count, 3, 10);
        Assert.All(ticks, t => Assert.InRange(t, min, max));
        Assert.All(ticks, t => Assert.True(AxisTicks.Format(t).Length <= 7, AxisTicks.Format(t)));
    }

    [Fact]
    public void Log_ticks_are_decades_or_one_two_five_within_one_decade()
    {
        Assert.Equal([0.1, 1, 10, 100], AxisTicks.Logarithmic(0.05, 300));
        Assert.Equal([0.01, 0.02, 0.05], AxisTicks.Logarithmic(0.009, 0.06));
    }
}
