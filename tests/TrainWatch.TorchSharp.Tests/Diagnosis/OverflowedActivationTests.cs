using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Tests.Diagnosis;

/// <summary>
/// Issue 22, item 6: activations so large that their sum of squares overflows (a run at lr 5) are finite values,
/// not NaN or ±∞, and their NaN count is 0, never NaN.
/// </summary>
public sealed class OverflowedActivationTests
{
    [Fact]
    public void Finite_values_whose_sums_overflowed_are_counted_as_finite()
    {
        // Shift 0, the shifted sum of squares overflowed, min and max finite (aminmax would show NaN or ±∞).
        double[] row = [0, 3e38, double.PositiveInfinity, -1e20, 1e20, 0, 0, 0, 0, 0];
        var stats = TensorStats.FromFastRow(row, new RowShape(1000, 1000, 0, Rank: 2));

        Assert.NotNull(stats);
        Assert.False(stats.HasNonFinite);
        Assert.Equal(0, stats.NaNCount);
        Assert.Equal(0, stats.InfCount);
        Assert.Equal(double.PositiveInfinity, stats.Norm);
    }

    [Fact]
    public void A_row_whose_bounds_show_NaN_still_needs_the_recount()
    {
        double[] row = [0, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, 0, 0, 0];
        Assert.Null(TensorStats.FromFastRow(row, new RowShape(1000, 1000, 0, Rank: 2)));
    }
}
