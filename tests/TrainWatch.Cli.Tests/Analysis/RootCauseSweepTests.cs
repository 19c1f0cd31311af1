using System.Text.Json;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Analysis;

/// <summary>
/// Issue 14's targets on randomly drawn networks and faults (not one hand-tuned example): the exploding layer is
/// named in ≥ 90 % of cases, and its onset is within one sampling interval of the true start.
/// </summary>
public class RootCauseSweepTests
{
    private const int Cases = 20;

    private sealed record Case(int Layers, long Interval, int Root, long Start, double GrowthPerSample, double Noise, double[] Strength, int[] Lag, HistogramForm Form, bool NormScalars);

    // Followers grow by a fraction (0.1..0.7) of the cause's rate, from the same sampled step or up to two later:
    // what a blown-up weight does to the other layers' gradients through the forward and backward passes.
    private static Case Draw(int index)
    {
        var random = new Random(1000 + index);
        int layers = random.Next(6, 31);
        long interval = new long[] { 10, 20, 25, 50 }[random.Next(4)];
        long start = interval * (long)Math.Ceiling(random.Next(250, 651) / (double)interval);
        return new Case(
            layers,
            interval,
            random.Next(layers),
            start,
            Math.Log(2.5) + random.NextDouble() * (Math.Log(10) - Math.Log(2.5)),
            0.02 + random.NextDouble() * 0.1,
            Enumerable.Range(0, layers).Select(_ => 0.1 + random.NextDouble() * 0.6).ToArray(),
            Enumerable.Range(0, layers).Select(_ => new[] { 0, 0, 0, 1, 2 }[random.Next(5)]).ToArray(),
            index % 2 == 0 ? HistogramForm.Proto : HistogramForm.FloatTensor,
            index % 4 < 2);
    }

    private static double Explosion(long step, long start, double ratePerStep) => step < start ? 1 : Math.Exp(ratePerStep * (step - start));

    [Fact]
    public void The_exploding_layer_is_named_in_at_least_90_percent_of_random_networks_with_the_onset_within_one_interval()
    {
        var misses = new List<string>();
        for (int index = 0; index < Cases; index++)
        {
            var c = Draw(index);
            double rate = c.GrowthPerSample / c.Interval;
            var healthy = new WatcherRun { Layers = c.Layers, Interval = c.Interval, Noise = c.Noise, Form = c.Form, NormScalars = c.NormScalars };
            var faulty = new WatcherRun
            {
                Layers = c.Layers,
                Interval = c.Interval,
                Noise = c.Noise,
                Form = c.Form,
                NormScalars = c.NormScalars,
                Gradient = (i, step) => i == c.Root
                    ? Explosion(step, c.Start, rate)
                    : Explosion(step, c.Start + c.Lag[i] * c.Interval, rate * c.Strength[i]),
                Weight = (i, step) => i == c.Root ? Explosion(step, c.Start + c.Interval, rate / 2) : 1,
            };

            using var dir = new TempDirectory();
            healthy.Write(dir.Combine("a"), seed: 100 + index);
            faulty.Write(dir.Combine("b"), seed: 200 + index);
            var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json");
            var cause = JsonDocument.Parse(result.Out).RootElement.GetProperty("root_cause");
            string? layer = cause.ValueKind == JsonValueKind.Null ? null : cause.GetProperty("layer").GetString();
            long? onset = cause.ValueKind == JsonValueKind.Null ? null : cause.GetProperty("onset_step").GetInt64();
            if (layer != WatcherRun.Name(c.Root) || onset is null || Math.Abs(onset.Value - c.Start) > c.Interval)
            {
                misses.Add($"{c with { Strength = [], Lag = [] }}: got {layer} at {onset}");
            }
        }

        Assert.True(misses.Count <= Cases / 10, $"{misses.Count} of {Cases} missed:\n{string.Join("\n", misses)}");
    }
}
