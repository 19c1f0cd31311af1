using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using static TrainWatch.TorchSharp.Tests.Diagnosis.SyntheticSamples;

namespace TrainWatch.TorchSharp.Tests.Diagnosis;

/// <summary>
/// The false alarms of issue 22, each on the series that raised it: rules judge a signal against its own noise and
/// the run's scale, and alert at initialisation only when training cannot proceed.
/// </summary>
public sealed class NoiseAwareRuleTests
{
    private readonly Diagnostician _rules = new(new AlertOptions());
    private readonly List<Alert> _alerts = [];

    [Fact]
    public void Minibatch_noise_on_a_task_that_levels_off_is_not_divergence()
    {
        // Falls from 1.08 to about 0.3, then each batch lands anywhere from 0.1 to 0.9 (the issue's run: "rose to
        // 0.90 from its lowest 0.44").
        var random = new Random(22);
        for (int i = 0; i < 300; i++)
        {
            double level = 0.3 + (0.78 * Math.Exp(-i / 15.0));
            double loss = Math.Max(0.02, level + ((random.NextDouble() - 0.5) * 0.8 * Math.Min(1, i / 30.0)));
            Feed(i, loss, ("a.weight", 1.0), ("b.weight", 1.0));
        }

        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.LossDiverging);
    }

    [Fact]
    public void A_noisy_loss_that_really_climbs_back_is_still_diverging()
    {
        var random = new Random(23);
        for (int i = 0; i < 80; i++)
        {
            double level = i < 50 ? 0.3 + (0.8 * Math.Exp(-i / 10.0)) : 0.3 * Math.Pow(1.15, i - 50);
            Feed(i, level + ((random.NextDouble() - 0.5) * 0.2), ("a.weight", 1.0));
        }

        var alert = Assert.Single(_alerts, a => a.Kind == AlertKind.LossDiverging);
        Assert.InRange(alert.Step, 500, 600);
    }

    [Fact]
    public void Layers_of_a_converged_model_rising_together_from_1e4_are_not_exploding()
    {
        // Early training at norms ~1, converged at ~1e-4; then five layers double or triple on one sample.
        for (int i = 0; i < 40; i++)
        {
            double norm = Math.Max(1e-4, Math.Pow(0.7, i));
            Feed(i, Math.Max(1e-3, Math.Pow(0.8, i)), Layers(5, _ => norm));
        }

        Feed(40, 1e-3, Layers(5, k => 1e-4 * (2 + k)));
        Feed(41, 1e-3, Layers(5, _ => 1e-4));
        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.ExplodingGradient);
    }

    [Fact]
    public void A_loss_of_zero_with_zero_gradients_is_not_vanishing()
    {
        for (int i = 0; i < 30; i++)
        {
            bool solved = i >= 20;
            Feed(i, solved ? 0 : Math.Pow(0.5, i), ("a.weight", solved ? 0 : 1.0), ("b.weight", solved ? 0 : 1.0));
        }

        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.VanishingGradient);
    }

    [Fact]
    public void A_gradient_that_drops_to_exactly_zero_is_described_without_infinity()
    {
        for (int i = 0; i < 25; i++)
        {
            Feed(i, 1.4, ("a.weight", i < 20 ? 0.352 : 0), ("b.weight", 1.0));
        }

        var alert = Assert.Single(_alerts, a => a.Kind == AlertKind.VanishingGradient);
        Assert.DoesNotContain("Infinity", alert.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fell 1×", alert.Message, StringComparison.Ordinal);
        Assert.Contains("exactly 0", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dead_units_at_initialisation_are_reported_only_when_the_loss_does_not_fall()
    {
        // Training proceeds despite 6 of 8 dead units from the start: nothing.
        for (int i = 0; i < 10; i++)
        {
            _alerts.AddRange(_rules.Examine(WithDeadUnits(i, Math.Pow(0.8, i), dead: 6), order: null));
        }

        Assert.Empty(_alerts);

        // Another run: the same units dead from the start, and the loss stays: reported once the loss has had time to
        // fall, LossPlateauSteps (400) steps in, as the loss's own plateau rule judges.
        var stuck = new Diagnostician(new AlertOptions());
        var alerts = new List<Alert>();
        for (int i = 0; i < 45; i++)
        {
            alerts.AddRange(stuck.Examine(WithDeadUnits(i, 1.4, dead: 6), order: null));
        }

        var alert = Assert.Single(alerts, a => a.Kind == AlertKind.DeadUnits);
        Assert.Equal(400, alert.Step);
    }

    [Fact]
    public void Units_that_die_after_a_healthy_start_are_reported_at_once()
    {
        for (int i = 0; i < 10; i++)
        {
            _alerts.AddRange(_rules.Examine(WithDeadUnits(i, Math.Pow(0.9, i), dead: i < 6 ? 0 : 8), order: null));
        }

        var alert = Assert.Single(_alerts);
        Assert.Equal(60, alert.Step);
    }

    [Theory]
    [InlineData(AlertKind.LearningRateJump, AlertSeverity.Info)]
    [InlineData(AlertKind.ExplodingGradient, AlertSeverity.Warning)]
    [InlineData(AlertKind.DeadUnits, AlertSeverity.Warning)]
    [InlineData(AlertKind.NonFinite, AlertSeverity.Error)]
    public void Severity_follows_what_the_alert_asks_of_a_person(AlertKind kind, AlertSeverity severity) =>
        Assert.Equal(severity, new Alert(kind, "x", 0, 0, "").Severity);

    private void Feed(long i, double loss, params (string, double)[] layers) =>
        _alerts.AddRange(_rules.Examine(Sample(i * 10, loss, 0.1, layers), order: null));

    private static (string, double)[] Layers(int count, Func<int, double> norm) =>
        Enumerable.Range(0, count).Select(k => ($"l{k}.weight", norm(k))).ToArray();

    private static SampleData WithDeadUnits(long i, double loss, int dead) =>
        Sample(i * 10, loss, 0.1, ("fc.weight", 1.0)) with { Activations = [new ActivationSample("act", Units(8, dead))] };

    // A ReLU output [batch 16, 8 units] with dead units, as a fast row with channels.
    private static TensorStats Units(int channels, int dead)
    {
        double n = 16 * channels;
        double[] row = [0, n * 0.5, n, 0, 1, dead * 16, dead, 0, 0, 0, 0];
        return TensorStats.FromFastRow(row, new RowShape((long)n, (long)n, channels, UnitAxis: 1, Rank: 2))!;
    }
}
