using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;

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
        var shape = new RowShape(1000, 1000, 0, Rank: 2);
        Assert.Null(TensorStats.FromFastRow(row, shape)); // a tensor still there gets the exact float64 recount
        var stats = TensorStats.FromOverflowedFastRow(row, shape);

        Assert.NotNull(stats);
        Assert.False(stats.HasNonFinite);
        Assert.Equal(0, stats.NaNCount);
        Assert.Equal(0, stats.InfCount);
        Assert.Equal(double.PositiveInfinity, stats.Norm);
    }

    [Fact]
    public void A_row_with_a_real_NaN_or_infinity_is_not_taken_for_an_overflow()
    {
        double[] nan = [0, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, 0, 0, 0];
        double[] inf = [0, double.PositiveInfinity, double.PositiveInfinity, 0, double.PositiveInfinity, 0, 0, 0, 0, 0];
        Assert.Null(TensorStats.FromOverflowedFastRow(nan, new RowShape(1000, 1000, 0, Rank: 2)));
        Assert.Null(TensorStats.FromOverflowedFastRow(inf, new RowShape(1000, 1000, 0, Rank: 2)));
    }
}
