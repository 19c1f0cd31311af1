using System.Text.Json;
using TrainWatch.Cli.Tests.Support;

namespace TrainWatch.Cli.Tests.Analysis;

/// <summary>
/// The root-cause verdict on simulated watcher runs: run A healthy, run B the same network with a fault, each with its
/// own noise (different seeds), so nothing is found by comparing bit-identical prefixes.
/// </summary>
public class RootCauseTests
{
    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Out).RootElement;

    // exp(rate · (step − start)) from start on: the norm of a layer that blows up.
    private static double Explosion(long step, long start, double ratePerStep) => step < start ? 1 : Math.Exp(ratePerStep * (step - start));

    private static CliResult Diff(TempDirectory dir, WatcherRun a, WatcherRun b, params string[] extra)
    {
        a.Write(dir.Combine("a"), seed: 1);
        b.Write(dir.Combine("b"), seed: 2);
        return TrainWatchCli.Run(["diff", dir.Combine("a"), dir.Combine("b"), .. extra]);
    }

    private static List<string> DivergingLayers(JsonElement root) =>
        root.GetProperty("diverging_layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()!).ToList();

    [Theory]
    [InlineData(HistogramForm.Proto, true)]
    [InlineData(HistogramForm.Proto, false)]
    [InlineData(HistogramForm.FloatTensor, false)]
    public void One_layer_exploding_among_followers_is_the_root_cause_with_its_onset_within_one_interval(HistogramForm form, bool normScalars)
    {
        // Layer 5 of 12 blows up from step 400 (×3 per sample). Its weights then inflate every other layer's gradient in
        // the same sampled steps, by less — and their histograms' distance saturates just like the cause's.
        const int root = 5;
        using var dir = new TempDirectory();
        var healthy = new WatcherRun { Layers = 12, Form = form, NormScalars = normScalars };
        var faulty = new WatcherRun
        {
            Layers = 12,
            Form = form,
            NormScalars = normScalars,
            Gradient = (i, step) => Math.Pow(Explosion(step, 400, Math.Log(3) / 20), i == root ? 1 : 0.3 + 0.04 * i),
            Weight = (i, step) => i == root ? Explosion(step, 420, Math.Log(2) / 20) : 1,
        };

        var result = Diff(dir, healthy, faulty, "--json");

        Assert.Equal(1, result.ExitCode);
        var root0 = Json(result);
        var cause = root0.GetProperty("root_cause");
        Assert.Equal("layer", cause.GetProperty("kind").GetString());
        Assert.Equal(WatcherRun.Name(root), cause.GetProperty("layer").GetString());
        Assert.InRange(cause.GetProperty("onset_step").GetInt64(), 400 - 20, 400 + 20);
        var layers = DivergingLayers(root0);
        Assert.Equal(WatcherRun.Name(root), layers[0]);
        Assert.Equal(12, layers.Count);
        Assert.Equal($"grads/{WatcherRun.Name(root)}", root0.GetProperty("tags")[0].GetProperty("tag").GetString());
        Assert.Contains(cause.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("weights diverge from step 440", StringComparison.Ordinal));
    }

    [Fact]
    public void A_layer_whose_weights_blew_up_is_blamed_even_when_the_gradients_it_inflates_grow_more()
    {
        // Layer 4's weights jump ×5 at step 400 (a bad update, a fault): every gradient grows in the same step, the
        // other layers' by more than layer 4's own. Its weights are the only ones already off at that step.
        using var dir = new TempDirectory();
        var faulty = new WatcherRun
        {
            Weight = (i, step) => i == 4 && step >= 400 ? 5 : 1,
            Gradient = (i, step) => step < 400 ? 1 : i == 4 ? 4 : 8 + i,
        };

        var root = Json(Diff(dir, new WatcherRun(), faulty, "--json"));

        var cause = root.GetProperty("root_cause");
        Assert.Equal(WatcherRun.Name(4), cause.GetProperty("layer").GetString());
        Assert.Equal(400, cause.GetProperty("onset_step").GetInt64());
    }

    [Theory]
    [InlineData(HistogramForm.Proto)]
    [InlineData(HistogramForm.FloatTensor)]
    [InlineData(HistogramForm.DoubleTensor)]
    public void Two_layers_exploding_100_steps_apart_are_ordered_by_onset_whatever_the_histogram_form(HistogramForm form)
    {
        // Layer 6 goes first (from 300, ×2 per sample); layer 2 follows at 400 and grows faster, so it ends further
        // apart: ranking by the largest distance put it first. Only the histograms say the norms here.
        using var dir = new TempDirectory();
        var healthy = new WatcherRun { Form = form, NormScalars = false };
        var faulty = new WatcherRun
        {
            Form = form,
            NormScalars = false,
            Gradient = (i, step) => i switch
            {
                6 => Explosion(step, 300, Math.Log(2) / 20),
                2 => Explosion(step, 400, Math.Log(4) / 20),
                _ => 1,
            },
        };

        var root = Json(Diff(dir, healthy, faulty, "--json"));

        var layers = root.GetProperty("diverging_layers").EnumerateArray().ToList();
        Assert.Equal([WatcherRun.Name(6), WatcherRun.Name(2)], layers.Select(l => l.GetProperty("layer").GetString()));
        Assert.InRange(layers[0].GetProperty("onset_step").GetInt64(), 280, 320);
        Assert.InRange(layers[1].GetProperty("onset_step").GetInt64(), 380, 420);
        Assert.Equal(WatcherRun.Name(6), root.GetProperty("root_cause").GetProperty("layer").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_run_that_turns_nan_is_a_finding_with_its_step_and_first_layer(bool normScalars)
    {
        // After a ×100 learning-rate jump the gradients overflow: layer 6's gradient is all NaN from step 440, every
        // layer's from 460. All-NaN tensors write no histogram; the NaN counts keep being written.
        using var dir = new TempDirectory();
        var healthy = new WatcherRun { NormScalars = normScalars };
        var faulty = new WatcherRun
        {
            NormScalars = normScalars,
            LearningRate = step => step >= 400 ? 1.0 : 0.01,
            Gradient = (i, step) => step >= 460 || (i == 6 && step >= 440) ? double.NaN : step > 400 ? 5 : 1,
        };

        var json = Diff(dir, healthy, faulty, "--json");
        var text = TrainWatchCli.RunAt(200, "diff", dir.Combine("a"), dir.Combine("b")); // the finding on one line

        Assert.Equal(1, json.ExitCode);
        Assert.Equal(1, text.ExitCode);
        var root = Json(json);
        var finding = Assert.Single(root.GetProperty("non_finite").EnumerateArray());
        Assert.Equal("B", finding.GetProperty("run").GetString());
        Assert.Equal(440, finding.GetProperty("step").GetInt64());
        Assert.Equal(WatcherRun.Name(6), finding.GetProperty("first_layer").GetString());
        Assert.Contains(finding.GetProperty("signals").EnumerateArray(), s => s.GetProperty("source").GetString()!.StartsWith("grad_nan_count/layers.6.weight", StringComparison.Ordinal));
        Assert.Contains(finding.GetProperty("signals").EnumerateArray(), s => s.GetProperty("source").GetString()!.StartsWith("grads/layers.6.weight stops", StringComparison.Ordinal));
        var lines = text.Out.Split('\n');
        Assert.StartsWith("NON-FINITE: run B turns non-finite (NaN/Inf) at step 440, first in 'layers.6.weight'", lines[2]);
    }

    [Fact]
    public void A_layer_whose_updates_stop_is_the_root_cause_before_the_gradients_drift()
    {
        // Frozen by mistake from step 400: its update ratio drops to 0; the gradients only drift later (from 560).
        using var dir = new TempDirectory();
        var healthy = new WatcherRun();
        var faulty = new WatcherRun
        {
            Update = (i, step) => i == 3 && step >= 400 ? 0 : 1,
            Gradient = (i, step) => i == 5 ? Explosion(step, 560, 0.02) : 1,
        };

        var result = Diff(dir, healthy, faulty, "--json");

        Assert.Equal(1, result.ExitCode);
        var cause = Json(result).GetProperty("root_cause");
        Assert.Equal("layer", cause.GetProperty("kind").GetString());
        Assert.Equal(WatcherRun.Name(3), cause.GetProperty("layer").GetString());
        Assert.Equal($"update_ratio/{WatcherRun.Name(3)}", cause.GetProperty("tag").GetString());
        Assert.Equal(400, cause.GetProperty("onset_step").GetInt64());
    }

    [Fact]
    public void A_learning_rate_jump_is_reported_and_blamed_before_the_layers_it_drags_along()
    {
        using var dir = new TempDirectory();
        var healthy = new WatcherRun();
        var faulty = new WatcherRun
        {
            LearningRate = step => step >= 400 ? 1.0 : 0.01,
            Gradient = (i, step) => Explosion(step, 420, (0.02 + 0.002 * i) / 20 * 20),
        };

        var result = Diff(dir, healthy, faulty, "--json");

        Assert.Equal(1, result.ExitCode);
        var root = Json(result);
        var change = Assert.Single(root.GetProperty("scalars").GetProperty("learning_rate_changes").EnumerateArray());
        Assert.Equal("train/lr", change.GetProperty("tag").GetString());
        Assert.Equal(400, change.GetProperty("step").GetInt64());
        Assert.Equal(100, change.GetProperty("ratio").GetDouble(), 3);
        var cause = root.GetProperty("root_cause");
        Assert.Equal("learning_rate", cause.GetProperty("kind").GetString());
        Assert.Equal(400, cause.GetProperty("onset_step").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, root.GetProperty("scalars").GetProperty("loss").GetProperty("onset_step").ValueKind);
        Assert.Contains("learning rate 'train/lr' differs from run A's from step 400 (×100)", root.GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData(HistogramForm.Proto)]
    [InlineData(HistogramForm.FloatTensor)]
    public void Healthy_twins_with_different_noise_have_no_root_cause_and_exit_zero(HistogramForm form)
    {
        using var dir = new TempDirectory();
        var run = new WatcherRun { Form = form, Layers = 10 };

        var result = Diff(dir, run, run, "--json");

        Assert.True(result.ExitCode == 0, result.Out);
        var root = Json(result);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("root_cause").ValueKind);
        Assert.Empty(root.GetProperty("non_finite").EnumerateArray());
        Assert.Empty(root.GetProperty("diverging_layers").EnumerateArray());
        Assert.Empty(root.GetProperty("scalars").GetProperty("learning_rate_changes").EnumerateArray());
    }

    [Fact]
    public void Noisy_healthy_twins_get_no_layer_verdict()
    {
        // 30 % batch-to-batch noise in every norm: no layer may be blamed, whatever the histograms' distances say.
        using var dir = new TempDirectory();
        var run = new WatcherRun { Noise = 0.3, Layers = 10 };

        var root = Json(Diff(dir, run, run, "--json"));

        Assert.Empty(root.GetProperty("diverging_layers").EnumerateArray());
        if (root.GetProperty("root_cause").ValueKind != JsonValueKind.Null)
        {
            Assert.Equal("distribution", root.GetProperty("root_cause").GetProperty("kind").GetString());
        }
    }

    [Fact]
    public void The_html_report_puts_the_verdict_and_log_axis_gradient_norm_charts_on_top()
    {
        using var dir = new TempDirectory();
        var faulty = new WatcherRun { Gradient = (i, step) => i == 3 ? Explosion(step, 400, Math.Log(3) / 20) : 1 };

        Diff(dir, new WatcherRun(), faulty, "--report", dir.Combine("r.html"));

        string html = File.ReadAllText(dir.Combine("r.html"));
        int verdict = html.IndexOf("Root cause:", StringComparison.Ordinal);
        int chart = html.IndexOf("layers.3.weight: gradient norm", StringComparison.Ordinal);
        int tagTable = html.IndexOf("<table class=\"tags\">", StringComparison.Ordinal);
        Assert.True(verdict > 0 && chart > verdict && tagTable > chart, $"{verdict} {chart} {tagTable}");
        Assert.Contains("onset 4", html[chart..tagTable]);
    }
}
