using TrainWatch.TorchSharp.Diagnosis;
using static TrainWatch.TorchSharp.Tests.Diagnosis.SyntheticSamples;

namespace TrainWatch.TorchSharp.Tests.Diagnosis;

/// <summary>
/// The alert rules on chosen series: quiet on what healthy training does (a converged model's blip, gradients that
/// shrink with the loss, noise around a threshold), loud and once on real trouble.
/// </summary>
public sealed class AlertRuleTests
{
    private readonly Diagnostician _rules = new(new AlertOptions());
    private readonly List<Alert> _alerts = [];
    private long _step;

    private void Feed(double? loss, double lr, params (string, double)[] layers) =>
        _alerts.AddRange(_rules.Examine(Sample(_step++ * 10, loss, lr, layers), order: null));

    [Fact]
    public void A_converged_model_whose_loss_blips_raises_no_explosion()
    {
        // Early training norms ~2, converged ~0.0025; then every layer ×56 for one sample (the case), and back.
        for (int i = 0; i < 40; i++)
        {
            double norm = Math.Max(0.0025, 2 * Math.Pow(0.8, i));
            Feed(1.0 * Math.Pow(0.8, i), 0.1, ("a.weight", norm), ("b.weight", norm * 1.3), ("c.weight", norm * 0.7));
        }

        Feed(0.01, 0.1, ("a.weight", 0.14), ("b.weight", 0.14 * 1.3), ("c.weight", 0.14 * 0.7));
        Feed(1e-4, 0.1, ("a.weight", 0.0025), ("b.weight", 0.003), ("c.weight", 0.002));
        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.ExplodingGradient);
    }

    [Fact]
    public void One_layer_blowing_up_alone_is_an_explosion_at_its_second_sample_naming_it()
    {
        for (int i = 0; i < 10; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0), ("c.weight", 1.0));
        }

        // Up ×100 and still up at the next sample (not growing further): an explosion, at the second sample.
        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 100.0), ("c.weight", 1.0));
        Assert.Empty(_alerts);
        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 80.0), ("c.weight", 1.0));
        var alert = Assert.Single(_alerts);
        Assert.Equal(AlertKind.ExplodingGradient, alert.Kind);
        Assert.Equal("b.weight", alert.Layer);
        Assert.Equal(110, alert.Step);
        Assert.Contains("80× the largest of its recent samples before it rose (1)", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_gradients_at_zero_vanish_when_it_lasts_two_samples_not_one()
    {
        for (int i = 0; i < 5; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0));
        }

        Feed(1.0, 0.1, ("a.weight", 1e-11), ("b.weight", 1e-11));
        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0));
        Assert.DoesNotContain(_alerts, a => a.Layer == "(global)");

        Feed(1.0, 0.1, ("a.weight", 1e-11), ("b.weight", 1e-11));
        Feed(1.0, 0.1, ("a.weight", 1e-11), ("b.weight", 1e-11));
        var alert = Assert.Single(_alerts, a => a.Layer == "(global)");
        Assert.Equal(AlertKind.VanishingGradient, alert.Kind);
        Assert.Equal(80, alert.Step);
    }

    [Fact]
    public void A_one_sample_spike_from_one_hard_minibatch_is_no_explosion_of_one_layer_or_of_all()
    {
        for (int i = 0; i < 10; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0), ("c.weight", 1.0));
        }

        // One layer ×30 alone, then back: the next sample is below half the spike.
        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 30.0), ("c.weight", 1.0));
        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.2), ("c.weight", 1.0));

        // Every layer ×150 together with the loss, then back.
        Feed(3.0, 0.1, ("a.weight", 150.0), ("b.weight", 150.0), ("c.weight", 150.0));
        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0), ("c.weight", 1.0));
        Assert.Empty(_alerts);

        // Positive control: such a jump of all layers (above the spike they had before), still up at the next
        // sample, is one.
        for (int i = 0; i < 20; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0), ("c.weight", 1.0));
        }

        Feed(3.0, 0.1, ("a.weight", 400.0), ("b.weight", 400.0), ("c.weight", 400.0));
        Assert.Empty(_alerts);
        Feed(3.0, 0.1, ("a.weight", 400.0), ("b.weight", 400.0), ("c.weight", 400.0));
        Assert.Contains(_alerts, a => a.Kind == AlertKind.ExplodingGradient);
    }

    [Fact]
    public void A_layer_leaving_a_plateau_once_is_not_an_explosion_but_growth_that_goes_on_is()
    {
        for (int i = 0; i < 10; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 0.01), ("b.weight", 0.01));
        }

        // Both layers rise 15× together and settle: no alert.
        for (int i = 0; i < 5; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 0.15), ("b.weight", 0.15));
        }

        Assert.Empty(_alerts);

        // Then both grow 15× on two samples in a row: an explosion at the second.
        Feed(1.0, 0.1, ("a.weight", 2.25), ("b.weight", 2.25));
        Assert.Empty(_alerts);
        Feed(1.0, 0.1, ("a.weight", 34), ("b.weight", 34));
        Assert.Contains(_alerts, a => a.Kind == AlertKind.ExplodingGradient && a.Layer == "a.weight" && a.Step == 160);
    }

    [Fact]
    public void Gradients_that_shrink_with_the_loss_are_not_vanishing_but_gradients_that_vanish_while_it_stays_are()
    {
        // The loss and the gradients fall 10^4 together: convergence.
        for (int i = 0; i < 30; i++)
        {
            double scale = Math.Pow(10, -4.0 * Math.Min(i, 20) / 20);
            Feed(1.5 * scale, 0.1, ("a.weight", scale), ("b.weight", scale));
        }

        Assert.Empty(_alerts);

        // A fresh run: the loss stays at 1.4 and one layer's gradient drops 10^4.
        var rules = new Diagnostician(new AlertOptions());
        var alerts = new List<Alert>();
        for (int i = 0; i < 25; i++)
        {
            double a = i < 20 ? 1.0 : 1e-4;
            alerts.AddRange(rules.Examine(Sample(i * 10, 1.4, 0.1, ("a.weight", a), ("b.weight", 1.0)), order: null));
        }

        var alert = Assert.Single(alerts);
        Assert.Equal(AlertKind.VanishingGradient, alert.Kind);
        Assert.Equal("a.weight", alert.Layer);
        Assert.Equal(210, alert.Step); // the second sample of the drop: one sample is not yet a trend
    }

    [Fact]
    public void A_bias_whose_gradient_cancels_to_almost_zero_is_not_vanishing()
    {
        var rules = new Diagnostician(new AlertOptions());
        var alerts = new List<Alert>();
        for (int i = 0; i < 25; i++)
        {
            var sample = Sample(i * 10, 1.4, 0.1, ("a.weight", 1.0)) with
            {
                Parameters = [new("a.weight", Matrix(1), Matrix(1.0)), new("a.bias", Stats(1, 8, rank: 1), Stats(i >= 20 ? 1e-7 : 0.5, 8, rank: 1))],
            };
            alerts.AddRange(rules.Examine(sample, order: null));
        }

        Assert.Empty(alerts);
    }

    [Fact]
    public void A_condition_flapping_around_its_threshold_raises_one_alert_until_it_has_been_clear_for_five_samples()
    {
        for (int i = 0; i < 10; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0));
        }

        // Alone ×100 on two samples of every three, four times: one alert.
        for (int i = 0; i < 12; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", i % 3 != 2 ? 100.0 : 1.0));
        }

        Assert.Single(_alerts);

        // Clear for five samples, then again for two samples — higher than the flapping values still in its recent
        // history, which a new explosion must exceed: a new onset.
        for (int i = 0; i < 5; i++)
        {
            Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 1.0));
        }

        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 5e3)); // below the global limit (1e4), which would alert on its own
        Feed(1.0, 0.1, ("a.weight", 1.0), ("b.weight", 5e3));
        Assert.Equal(2, _alerts.Count);
    }

    [Fact]
    public void A_loss_that_climbs_back_is_diverging_once()
    {
        // Judged on the third lowest of the last nine: reported once seven of them are back up, on two samples.
        double[] losses = [2.0, 1.8, 1.5, 1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 0.9, 1.4, 1.8, 2.2, 2.5, 2.6, 2.7, 2.8, 2.9];
        foreach (double loss in losses)
        {
            Feed(loss, 0.1, ("a.weight", 1.0));
        }

        var alert = Assert.Single(_alerts);
        Assert.Equal(AlertKind.LossDiverging, alert.Kind);
        Assert.Equal("loss", alert.Layer);
    }

    [Fact]
    public void Noise_on_a_converged_loss_is_not_divergence_or_oscillation()
    {
        var random = new Random(4);
        for (int i = 0; i < 200; i++)
        {
            double level = Math.Max(1e-4, 2.0 * Math.Pow(0.9, i));
            Feed(level * Math.Exp(random.NextDouble() * 4 - 2), 0.1, ("a.weight", 1.0));
        }

        Assert.Empty(_alerts);
    }

    [Fact]
    public void A_loss_that_never_moves_is_not_decreasing_after_fifty_samples()
    {
        for (int i = 0; i < 110; i++)
        {
            Feed(1.386 + (i % 3) * 0.001, 0.1, ("a.weight", 1.0));
        }

        // 50 samples and LossPlateauSteps (1000) steps.
        var alert = Assert.Single(_alerts);
        Assert.Equal(AlertKind.LossNotDecreasing, alert.Kind);
        Assert.Equal(1000, alert.Step);
    }

    [Fact]
    public void Noise_that_zigzags_sixteen_times_without_two_levels_is_not_oscillation()
    {
        // Small batches sampled every step: each loss 1.5× or more above or below the one before, sixteen times in a
        // row, but the highs and lows overlap (0.5 is a high, 0.55 a low); the positive control below bounces.
        double[] losses = [0.2, 0.5, 0.25, 0.9, 0.3, 0.6, 0.35, 1.0, 0.5, 0.8, 0.4, 0.7, 0.3, 0.9, 0.55, 0.85];
        foreach (double loss in losses)
        {
            Feed(loss, 0.1, ("a.weight", 1.0));
        }

        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.OscillatingLoss);
    }

    [Fact]
    public void Sampled_every_step_a_loss_must_bounce_for_a_hundred_steps_to_oscillate()
    {
        // Flat until step 19, then 2.0 and 0.6 in turn: sixteen samples are sixteen steps, no time to call it; the
        // alternation has lasted 100 steps at step 119 (its first window began at step 19).
        var rules = new Diagnostician(new AlertOptions());
        var alerts = new List<Alert>();
        for (int step = 0; step < 140; step++)
        {
            double loss = step < 20 ? 1.0 + (0.01 * (step % 3)) : step % 2 == 0 ? 2.0 : 0.6;
            alerts.AddRange(rules.Examine(Sample(step, loss, 0.1, ("a.weight", 1.0)), order: null));
        }

        var alert = Assert.Single(alerts, a => a.Kind == AlertKind.OscillatingLoss);
        Assert.Equal(119, alert.Step);
    }

    [Fact]
    public void A_loss_bouncing_by_its_own_size_on_every_sample_oscillates()
    {
        for (int i = 0; i < 20; i++)
        {
            Feed(i % 2 == 0 ? 2.0 : 0.6, 0.1, ("a.weight", 1.0));
        }

        Assert.Contains(_alerts, a => a.Kind == AlertKind.OscillatingLoss && a.Step == 150);
        Assert.Single(_alerts, a => a.Kind == AlertKind.OscillatingLoss);
    }

    [Fact]
    public void A_noisy_loss_that_zigzags_for_eight_samples_by_chance_does_not_oscillate()
    {
        // Twelve samples that zigzag by 1.5× or more (what minibatch noise does now and then), between steadier ones.
        double[] losses = [1.0, 0.9, 0.95, 0.9, 0.5, 1.0, 0.5, 0.9, 0.4, 0.8, 0.4, 0.9, 0.5, 1.0, 0.5, 0.9, 0.9, 0.85, 0.9, 0.88];
        foreach (double loss in losses)
        {
            Feed(loss, 0.1, ("a.weight", 1.0));
        }

        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.OscillatingLoss);
    }

    [Fact]
    public void A_learning_rate_that_rises_tenfold_is_reported_and_a_decay_is_not()
    {
        double[] rates = [0.1, 0.1, 0.01, 0.001, 0.1, 0.1];
        foreach (double lr in rates)
        {
            Feed(1.0, lr, ("a.weight", 1.0));
        }

        var alert = Assert.Single(_alerts);
        Assert.Equal(AlertKind.LearningRateJump, alert.Kind);
        Assert.Equal(40, alert.Step);
        Assert.Equal("lr", alert.Layer);
    }
}
