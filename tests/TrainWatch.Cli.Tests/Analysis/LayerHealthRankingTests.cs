using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Analysis;

public class LayerHealthRankingTests
{
    private static IReadOnlyList<LayerHealth> Rank(Cli.Reading.RunData run) => LayerHealthRanking.Rank(run, AlertTexts.Newest(run));

    [Fact]
    public void An_update_ratio_far_from_1e_3_either_way_ranks_before_healthy_layers_and_is_flagged()
    {
        var run = DashboardRuns.With(
            ("update_ratio/a.weight", [1e-3]),
            ("update_ratio/b.weight", [2e-6]),
            ("update_ratio/c.weight", [3e-3]),
            ("update_ratio/d.weight", [0.2]));

        var ranked = Rank(run);

        Assert.Equal(["b", "d", "c", "a"], ranked.Select(l => l.Layer));
        Assert.Equal([true, true, false, false], ranked.Select(l => l.IsUnhealthy));
        Assert.Equal(Math.Log10(500), ranked[0].Score, 6);
    }

    [Fact]
    public void Biases_do_not_count_for_the_update_ratio_a_conv_bias_before_batch_norm_barely_moves()
    {
        var run = DashboardRuns.With(("update_ratio/conv.weight", [1e-3]), ("update_ratio/conv.bias", [1e-8]));

        var layer = Assert.Single(Rank(run));

        Assert.Equal("conv", layer.Layer);
        Assert.False(layer.IsUnhealthy);
    }

    [Fact]
    public void A_gradient_norm_jump_is_measured_against_the_layers_own_recent_median()
    {
        var run = DashboardRuns.With(
            ("grad_norm/steady.weight", [5, 5, 6, 5, 5.5]), // large but steady: healthy
            ("grad_norm/jumped.weight", [0.1, 0.12, 0.1, 0.11, 3])); // small but 30× its median: flagged

        var ranked = Rank(run);

        Assert.Equal(["jumped", "steady"], ranked.Select(l => l.Layer));
        Assert.True(ranked[0].IsUnhealthy);
        Assert.Equal(Math.Log10(3 / 0.105), ranked[0].Score, 6);
        Assert.False(ranked[1].IsUnhealthy);
    }

    [Fact]
    public void A_jump_needs_three_previous_values()
    {
        var run = DashboardRuns.With(("grad_norm/young.weight", [0.1, 0.1, 5]));

        Assert.Empty(Assert.Single(Rank(run)).Signals);
    }

    [Fact]
    public void Dead_units_and_non_finite_counts_are_unhealthy_and_non_finite_is_worse()
    {
        var run = DashboardRuns.With(
            ("activation_dead_units/relu1", [0, 3]),
            ("grad_nan_count/fc2.weight", [0, 12]),
            ("activation_dead_units/relu2", [0]));

        var ranked = Rank(run);

        Assert.Equal(["fc2", "relu1", "relu2"], ranked.Select(l => l.Layer));
        Assert.Equal(LayerHealthRanking.NonFiniteScore, ranked[0].Score);
        Assert.Equal(1 + Math.Log10(3), ranked[1].Score, 6);
        Assert.Equal([true, true, false], ranked.Select(l => l.IsUnhealthy));
    }

    [Fact]
    public void Layers_an_alert_names_come_first_newest_alert_first_even_when_their_numbers_look_fine()
    {
        var run = DashboardRuns.With(
                ("update_ratio/fc1.weight", [1e-3]),
                ("update_ratio/fc2.weight", [1e-3]),
                ("update_ratio/fc3.weight", [1e-7]))
            .WithText("alerts/vanishing_gradient", 20, DashboardRuns.WatcherAlert(20, "fc1.weight", "fc1.weight: gradient vanished"))
            .WithText("alerts/dead_units", 40, DashboardRuns.WatcherAlert(40, "fc2", "fc2: 10 of 16 units are zero"))
            .WithText("alerts/exploding_gradient", 40, DashboardRuns.WatcherAlert(40, "(global)", "global gradient norm above the limit"));

        var ranked = Rank(run);

        Assert.Equal(["fc2", "fc1", "fc3"], ranked.Select(l => l.Layer));
        Assert.Equal([40L, 20, null], ranked.Select(l => l.NewestAlertStep));
        Assert.Equal("alert dead_units @40", ranked[0].Signals[0].Text);
    }

    [Fact]
    public void Equally_healthy_layers_keep_forward_order()
    {
        var run = DashboardRuns.With(("update_ratio/z.weight", [1e-3]), ("update_ratio/a.weight", [1e-3]));

        Assert.Equal(["z", "a"], Rank(run).Select(l => l.Layer));
    }

    [Fact]
    public void A_module_with_several_weights_is_one_layer_showing_its_worst_of_each_measure()
    {
        var run = DashboardRuns.With(
            ("update_ratio/encoder.gru.weight_ih_l0", [1e-3]),
            ("update_ratio/encoder.gru.weight_hh_l0", [1e-5]),
            ("activation_dead_units/encoder.gru/output", [0]));

        var layer = Assert.Single(Rank(run));

        Assert.Equal("encoder.gru", layer.Layer);
        Assert.Equal(["update ratio 1E-05", "0 dead units"], layer.Signals.Select(s => s.Text));
        Assert.Equal(2, layer.Score, 6);
    }
}
