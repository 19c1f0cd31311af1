using TrainWatch.Cli.Analysis;

namespace TrainWatch.Cli.Tests.Analysis;

public class ChangePointTests
{
    private static readonly long[] s_steps = Enumerable.Range(0, 50).Select(i => i * 10L).ToArray();

    private static double[] Noise(int seed, double sigma)
    {
        var random = new Random(seed);
        return s_steps.Select(_ => sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
    }

    [Fact]
    public void A_growth_is_dated_to_where_it_starts_not_where_it_becomes_obvious()
    {
        // ln(B/A) grows by 0.5 per sample from step 200: ×3 (the detection threshold) is crossed only at step 230.
        var r = Noise(1, 0.02).Select((n, i) => n + (s_steps[i] > 200 ? 0.5 * (s_steps[i] - 200) / 10 : 0)).ToArray();

        var onset = ChangePoint.Find(s_steps, r);

        Assert.NotNull(onset);
        Assert.Equal(210, onset.Step);
        Assert.Equal(230, onset.DetectionStep);
    }

    [Fact]
    public void A_constant_offset_between_the_runs_is_not_a_divergence()
    {
        var r = Noise(2, 0.05).Select(n => n + Math.Log(5)).ToArray();

        Assert.Null(ChangePoint.Find(s_steps, r));
    }

    [Fact]
    public void One_outlier_is_not_a_divergence()
    {
        var r = Noise(3, 0.05);
        r[25] = Math.Log(50);

        Assert.Null(ChangePoint.Find(s_steps, r));
    }

    [Fact]
    public void The_threshold_follows_the_noise_seen_before()
    {
        // Noisy twins (σ of ln(B/A) ≈ 0.4): a ×4 level shift is within their spread (6σ ≈ 2.4) and is not flagged.
        var noisy = Noise(4, 0.4).Select((n, i) => n + (i >= 30 ? Math.Log(4) : 0)).ToArray();
        // Quiet twins: the same ×4 shift stands out.
        var quiet = Noise(4, 0.02).Select((n, i) => n + (i >= 30 ? Math.Log(4) : 0)).ToArray();

        Assert.Null(ChangePoint.Find(s_steps, noisy));
        Assert.Equal(300, ChangePoint.Find(s_steps, quiet)?.Step);
    }

    [Fact]
    public void Bit_identical_prefixes_do_not_extend_the_onset_on_rounding_and_a_stopped_series_is_infinite()
    {
        var r = new double[s_steps.Length];
        r[19] = 1e-7; // float32 rounding before the fault
        for (int i = 20; i < r.Length; i++)
        {
            r[i] = double.PositiveInfinity; // B turned NaN or stopped
        }

        var onset = ChangePoint.Find(s_steps, r);

        Assert.Equal(200, onset?.Step);
        Assert.True(double.IsPositiveInfinity(onset!.Departure));
    }

    [Fact]
    public void A_collapse_is_found_like_an_explosion()
    {
        var r = Noise(5, 0.03).Select((n, i) => n - (i >= 20 ? 3 : 0)).ToArray();

        var onset = ChangePoint.Find(s_steps, r);

        Assert.Equal(200, onset?.Step);
        Assert.True(onset!.Departure < 0);
    }
}
