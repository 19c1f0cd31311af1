using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class FilterSmoothnessTests
{
    private static readonly float[] s_constant = [3, 3, 3, 3, 3, 3, 3, 3, 3];
    private static readonly float[] s_ramp = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly float[] s_checkerboard = [1, -1, 1, -1, 1, -1, 1, -1, 1];

    [Fact]
    public void Constant_and_ramp_kernels_are_smoother_than_a_checkerboard()
    {
        double constant = FilterSmoothness.Score(s_constant, 1, 3, 3);
        double ramp = FilterSmoothness.Score(s_ramp, 1, 3, 3);
        double checkerboard = FilterSmoothness.Score(s_checkerboard, 1, 3, 3);

        Assert.Equal(0.0, constant);
        Assert.Equal(0.25, ramp, precision: 12); // 6 horizontal steps of 1/8, 6 vertical of 3/8, over 12 pairs
        Assert.Equal(1.0, checkerboard, precision: 12);
        Assert.True(constant < ramp && ramp < checkerboard);
    }

    [Fact]
    public void The_score_is_the_mean_over_kernels_and_ignores_weight_scale()
    {
        float[] both = [.. s_ramp, .. s_checkerboard];
        float[] scaled = [.. both.Select(v => v * 1e-4f)];

        Assert.Equal(0.625, FilterSmoothness.Score(both, 2, 3, 3), precision: 6);
        Assert.Equal(0.625, FilterSmoothness.Score(scaled, 2, 3, 3), precision: 6);
    }

    [Fact]
    public void Non_finite_kernels_are_skipped_and_nothing_scoreable_gives_NaN()
    {
        float[] withNaN = [.. s_checkerboard, .. Enumerable.Repeat(float.NaN, 9)];

        Assert.Equal(1.0, FilterSmoothness.Score(withNaN, 2, 3, 3), precision: 12);
        Assert.True(double.IsNaN(FilterSmoothness.Score([float.NaN, 1f, 2f, 3f], 1, 2, 2)));
        Assert.True(double.IsNaN(FilterSmoothness.Score([1f, 2f], 2, 1, 1)));
    }

    [Fact]
    public void Random_noise_scores_well_above_a_smooth_gaussian_blob()
    {
        var random = new Random(5);
        float[] noise = [.. Enumerable.Range(0, 7 * 7 * 16).Select(_ => (float)random.NextDouble())];
        float[] blob = [.. Enumerable.Range(0, 49).Select(i => MathF.Exp(-(((i % 7) - 3) * ((i % 7) - 3) + ((i / 7) - 3) * ((i / 7) - 3)) / 8f))];

        Assert.True(FilterSmoothness.Score(noise, 16, 7, 7) > 2 * FilterSmoothness.Score(blob, 1, 7, 7));
    }
}
