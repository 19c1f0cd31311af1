using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class NormalizationTests
{
    [Fact]
    public void Min_max_maps_the_range_onto_zero_to_one()
    {
        float[] values = [2f, 4f, 6f, 10f];
        var result = new float[4];

        Normalization.MinMax(values, result);

        Assert.Equal([0f, 0.25f, 0.5f, 1f], result);
    }

    [Fact]
    public void Constant_input_gives_one_half_without_dividing_by_zero()
    {
        var result = new float[3];

        Normalization.MinMax([7f, 7f, 7f], result);
        Assert.All(result, v => Assert.Equal(Normalization.ConstantValue, v));

        Normalization.Symmetric([0f, 0f, 0f], result);
        Assert.All(result, v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Non_finite_values_become_NaN_and_stay_out_of_the_range()
    {
        float[] values = [float.NaN, 1f, float.PositiveInfinity, 3f, float.NegativeInfinity];
        var result = new float[5];

        Normalization.MinMax(values, result);

        Assert.True(float.IsNaN(result[0]) && float.IsNaN(result[2]) && float.IsNaN(result[4]));
        Assert.Equal(0f, result[1]);
        Assert.Equal(1f, result[3]);
    }

    [Fact]
    public void All_NaN_input_does_not_crash()
    {
        var result = new float[2];
        Normalization.Symmetric([float.NaN, float.NaN], result);
        Assert.All(result, v => Assert.True(float.IsNaN(v)));
        Assert.Null(Normalization.FiniteRange([float.NaN]));
    }

    [Fact]
    public void Symmetric_keeps_zero_at_one_half_and_the_larger_magnitude_at_an_end()
    {
        var result = new float[3];

        Normalization.Symmetric([-1f, 0f, 4f], result);

        Assert.Equal([0.375f, 0.5f, 1f], result);
    }

    [Fact]
    public void Per_tile_and_global_scopes_differ_as_documented()
    {
        float[] values = [0f, 1f, 0f, 10f];
        var perTile = new float[4];
        var global = new float[4];

        Normalization.Apply(values, perTile, tileLength: 2, NormalizationMode.MinMax, NormalizationScope.PerTile);
        Normalization.Apply(values, global, tileLength: 2, NormalizationMode.MinMax, NormalizationScope.Global);

        Assert.Equal([0f, 1f, 0f, 1f], perTile);
        Assert.Equal([0f, 0.1f, 0f, 1f], global);
        Assert.Throws<ArgumentException>(() => Normalization.Apply(values, perTile, tileLength: 3, NormalizationMode.MinMax, NormalizationScope.PerTile));
    }

    [Fact]
    public void Extreme_ranges_do_not_overflow()
    {
        var result = new float[2];
        Normalization.MinMax([-float.MaxValue, float.MaxValue], result);
        Assert.Equal([0f, 1f], result);
    }
}
