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
    public void Hard_batches_of_a_converged_classifier_are_not_divergence()
    {
        // Most batches near 0.03, about one in three hard (0.1–0.9): a median of five or of nine lands on hard ones
        // now and then; seven of the last nine batches are not hard together.
        var random = new Random(1176);
        for (int i = 0; i < 600; i++)
        {
            double easy = 0.02 + (0.03 * random.NextDouble());
            double loss = i < 20 ? 0.9 - (0.04 * i) : random.NextDouble() < 0.35 ? 0.1 + (0.8 * random.NextDouble()) : easy;
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

        // The climb starts at step 500; the median of the last nine samples is past the thresholds a few samples on.
        var alert = Assert.Single(_alerts, a => a.Kind == AlertKind.LossDiverging);
        Assert.InRange(alert.Step, 500, 650);
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
        // fall, LossPlateauSteps (1000) steps in, as the loss's own plateau rule judges.
        var stuck = new Diagnostician(new AlertOptions());
        var alerts = new List<Alert>();
        for (int i = 0; i < 105; i++)
        {
            alerts.AddRange(stuck.Examine(WithDeadUnits(i, 1.4, dead: 6), order: null));
        }

        var alert = Assert.Single(alerts, a => a.Kind == AlertKind.DeadUnits);
        Assert.Equal(1000, alert.Step);
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

    [Fact]
    public void A_two_value_bias_left_unchanged_by_one_step_is_not_frozen_but_by_two_in_a_row_it_is()
    {
        // A two-class head's bias (its two gradients each other's negative) left exactly as it was by one Adam step,
        // whose momentum crossed zero: healthy. Unchanged again at the next sample: frozen.
        for (int i = 0; i < 8; i++)
        {
            Examine(WithUpdate(i, ("head.bias", 2, 0.07, i == 5 ? 0 : 1e-3)));
        }

        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.UnchangedWeights);

        var frozen = new Diagnostician(new AlertOptions());
        var alerts = new List<Alert>();
        for (int i = 0; i < 8; i++)
        {
            alerts.AddRange(frozen.Examine(WithUpdate(i, ("head.bias", 2, 0.07, i >= 5 ? 0 : 1e-3)), order: null));
        }

        var alert = Assert.Single(alerts.Where(a => a.Kind == AlertKind.UnchangedWeights).Take(1));
        Assert.Equal(60, alert.Step);
    }

    [Fact]
    public void A_frozen_weight_of_a_nearly_solved_loss_is_reported_but_a_step_rounded_away_with_its_gradient_is_not()
    {
        // The loss is a thousandth of its start; the weight kept its gradient and stopped at once: frozen.
        for (int i = 0; i < 8; i++)
        {
            Examine(WithUpdate(i, ("fc.weight", 256, 0.005, i >= 5 ? 0 : 1e-4)) with { Loss = i < 3 ? 2.3 : 1e-3 });
        }

        Assert.Single(_alerts, a => a.Kind == AlertKind.UnchangedWeights);

        // Under SGD the gradient of a solved loss shrinks 10× a sample, the update with it, until float32 rounds the
        // step away: nothing is frozen.
        var solved = new Diagnostician(new AlertOptions());
        var alerts = new List<Alert>();
        for (int i = 0; i < 8; i++)
        {
            double gradient = 0.5 * Math.Pow(0.1, i);
            alerts.AddRange(solved.Examine(WithUpdate(i, ("fc.weight", 256, gradient, i >= 5 ? 0 : 1e-3 * Math.Pow(0.1, i))) with { Loss = Math.Pow(0.1, i) }, order: null));
        }

        Assert.DoesNotContain(alerts, a => a.Kind == AlertKind.UnchangedWeights);
    }

    [Theory]
    [InlineData("q.bias", 1, false)]
    [InlineData("q.weight", 2, true)]
    public void Only_a_weight_rising_alone_is_exploding_not_a_bias(string name, int rank, bool reported)
    {
        // A query projection's bias whose share of the total jumped 20× and stayed: a bias's gradient is a sum of
        // signed terms; the same rise of a weight matrix is a layer blowing up (the positive control).
        for (int i = 0; i < 24; i++)
        {
            double norm = i < 20 ? 0.01 : 0.2;
            Examine(new SampleData(i * 10, 1.0, [Layer("a.weight", 1.0, 2), Layer("b.weight", 1.0, 2), Layer(name, norm, rank)], [], null, [("", 0.1)], double.NaN));
        }

        Assert.Equal(reported, _alerts.Any(a => a.Kind == AlertKind.ExplodingGradient && a.Layer == name));
    }

    [Theory]
    [InlineData(0.065, false)]
    [InlineData(0.12, true)]
    public void A_jump_alone_is_confirmed_only_while_it_stays_past_the_thresholds_it_crossed(double next, bool reported)
    {
        // A noisy layer (median 0.01, one earlier sample at 0.05) jumps to 0.12, 12× its median and 2.4× its largest;
        // at the next sample 0.065 is more than half the spike but only 1.3× the largest before it: a spike that
        // subsided. Still at 0.12: it stayed up.
        double[] norms = [.. Enumerable.Repeat(0.01, 20), 0.12, next];
        norms[12] = 0.05;
        for (int i = 0; i < norms.Length; i++)
        {
            Examine(new SampleData(i * 10, 1.0, [Layer("a.weight", 1.0, 2), Layer("b.weight", 1.0, 2), Layer("c.weight", norms[i], 2)], [], null, [("", 0.1)], double.NaN));
        }

        Assert.Equal(reported, _alerts.Any(a => a.Kind == AlertKind.ExplodingGradient));
    }

    [Fact]
    public void Gradients_that_fall_with_a_loss_cut_a_hundredfold_are_not_vanishing()
    {
        // A recurrent net that solves its task in twenty steps: the loss falls 0.66 → 0.005 while the input weights'
        // gradient (through saturating gates) falls 10⁴×, faster than the head's.
        for (int i = 0; i < 15; i++)
        {
            double loss = i < 4 ? 0.66 : Math.Max(0.005, 0.66 * Math.Pow(0.4, i - 3));
            Feed(i, loss, ("gru.weight_ih", i < 8 ? 0.04 : 4e-6), ("head.weight", i < 8 ? 0.5 : 0.05));
        }

        Assert.DoesNotContain(_alerts, a => a.Kind == AlertKind.VanishingGradient);
    }

    private void Examine(SampleData sample) => _alerts.AddRange(_rules.Examine(sample, order: null));

    private static ParameterSample Layer(string name, double gradientNorm, int rank) =>
        new(name, Matrix(1), Stats(gradientNorm, rank == 1 ? 16 : 256, rank));

    // A sample at step 10·i whose one parameter has the given gradient, and whose last optimizer step moved it by the
    // given fraction of its norm; another layer sets the global norm.
    private static SampleData WithUpdate(long i, (string Name, long Numel, double Gradient, double Update) p) =>
        new(i * 10, 1.0, [new ParameterSample(p.Name, Matrix(1), Stats(p.Gradient, p.Numel, p.Numel <= 16 ? 1 : 2)), new ParameterSample("other.weight", Matrix(1), Matrix(0.1))], [],
            i == 0 ? null : new UpdateSample((i * 10) - 9, [(p.Name, p.Update, 1.0)]), [("", 0.1)], double.NaN);

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
