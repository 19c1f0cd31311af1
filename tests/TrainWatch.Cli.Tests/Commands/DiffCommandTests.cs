using System.Text.Json;
using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;

namespace TrainWatch.Cli.Tests.Commands;

public class DiffCommandTests
{
    private static readonly string[] s_layers = ["conv1.weight", "conv2.weight", "fc1.weight", "fc1.bias", "fc2.weight"];
    private static readonly long[] s_steps = Enumerable.Range(0, 31).Select(i => i * 10L).ToArray();

    private static (double, double) Healthy(string tag, long step) => (0.01 * tag.Length, 0.05 + step * 1e-4);

    // From step 150 on, run B's conv2.weight spreads to 1.8× its width: the divergence diff must find.
    private static (double, double) Planted(string tag, long step)
    {
        var (mean, std) = Healthy(tag, step);
        return tag == "conv2.weight" && step >= 150 ? (mean, std * 1.8) : (mean, std);
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Out).RootElement;

    [Theory]
    [InlineData(HistogramForm.Proto)]
    [InlineData(HistogramForm.FloatTensor)]
    [InlineData(HistogramForm.DoubleTensor)]
    public void Planted_divergence_ranks_its_layer_first_with_the_onset_within_one_interval(HistogramForm form)
    {
        using var dir = new TempDirectory();
        // Different seeds: the healthy layers differ by sampling noise only, which must stay under the threshold.
        TestRuns.Write(dir.Combine("a"), form, s_layers, s_steps, Healthy, seed: 1);
        TestRuns.Write(dir.Combine("b"), form, s_layers, s_steps, Planted, seed: 2);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json");

        Assert.Equal(1, result.ExitCode);
        var tags = Json(result).GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal("conv2.weight", tags[0].GetProperty("tag").GetString());
        long onset = tags[0].GetProperty("onset_step").GetInt64();
        Assert.InRange(onset, 150, 160);
        Assert.All(tags.Skip(1), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("onset_step").ValueKind));
        Assert.All(tags.Skip(1), t => Assert.True(t.GetProperty("max_distance").GetDouble() < 0.2, t.ToString()));
        Assert.Equal(s_layers.Length, tags.Count);
    }

    [Fact]
    public void A_distribution_change_that_leaves_the_norms_alone_is_the_root_cause_when_no_norm_diverges()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, s_layers, s_steps, Healthy, seed: 1);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, s_layers, s_steps, Planted, seed: 2);

        var root = Json(TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json"));

        // Spreading to 1.8× is under the ×3 a norm needs to count as diverging; the distance still sees it.
        var cause = root.GetProperty("root_cause");
        Assert.Equal("distribution", cause.GetProperty("kind").GetString());
        Assert.Equal("conv2.weight", cause.GetProperty("tag").GetString());
        Assert.Equal(150, cause.GetProperty("onset_step").GetInt64());
        Assert.Empty(root.GetProperty("diverging_layers").EnumerateArray());
    }

    [Fact]
    public void The_text_report_names_the_divergent_layer_and_its_onset()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, s_layers, s_steps, Healthy, seed: 1);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, s_layers, s_steps, Planted, seed: 2);

        // Wide enough that the summary sentence is not wrapped between the words this test looks for.
        var result = TrainWatchCli.RunAt(200, "diff", dir.Combine("a"), dir.Combine("b"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("most divergent 'conv2.weight'", result.Out);
        Assert.Contains("earliest onset 'conv2.weight' at step 150", result.Out);
    }

    [Fact]
    public void Identical_runs_diff_to_zero_with_no_onset_and_exit_zero()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, s_layers, s_steps, Healthy, seed: 7);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, s_layers, s_steps, Healthy, seed: 7);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json");

        Assert.Equal(0, result.ExitCode);
        var root = Json(result);
        Assert.False(root.GetProperty("findings").GetBoolean());
        foreach (var tag in root.GetProperty("tags").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Null, tag.GetProperty("onset_step").ValueKind);
            Assert.All(tag.GetProperty("distances").EnumerateArray(), d => Assert.Equal(0.0, d.GetDouble()));
            Assert.All(tag.GetProperty("norm_ratios").EnumerateArray(), r => Assert.Equal(1.0, r.GetDouble()));
            Assert.Equal(s_steps.Length, tag.GetProperty("steps").GetArrayLength());
        }
    }

    [Fact]
    public void Tags_present_in_one_run_only_are_named_and_not_compared()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["shared", "only_a"], s_steps, Healthy, seed: 3);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["shared", "only_b"], s_steps, Healthy, seed: 3);

        var json = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json");
        var text = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"));

        Assert.Equal(0, json.ExitCode);
        var root = Json(json);
        Assert.Equal(["only_a"], root.GetProperty("tags_only_in_a").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["only_b"], root.GetProperty("tags_only_in_b").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["shared"], root.GetProperty("tags").EnumerateArray().Select(e => e.GetProperty("tag").GetString()));
        Assert.Contains("only in run A (1 histogram tag(s), not compared): only_a", text.Out);
        Assert.Contains("only in run B (1 histogram tag(s), not compared): only_b", text.Out);
    }

    [Fact]
    public void Different_step_grids_are_compared_on_the_common_steps_and_the_grids_are_named()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["w"], Enumerable.Range(0, 21).Select(i => i * 10L), Healthy, seed: 4);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["w"], Enumerable.Range(0, 11).Select(i => i * 20L), Healthy, seed: 4);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json");

        Assert.Equal(0, result.ExitCode);
        var root = Json(result);
        var tag = root.GetProperty("tags")[0];
        Assert.Equal(Enumerable.Range(0, 11).Select(i => i * 20L), tag.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(10, tag.GetProperty("steps_only_in_a").GetInt32());
        string note = Assert.Single(root.GetProperty("notes").EnumerateArray()).GetString()!;
        Assert.Contains("0..200 every 10 (21 steps)", note);
        Assert.Contains("0..200 every 20 (11 steps)", note);
        Assert.Contains("compared on the 11 steps both logged", note);
    }

    [Fact]
    public void Disjoint_step_grids_say_there_is_nothing_to_compare()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["w"], [0, 10, 20], Healthy, seed: 5);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["w"], [5, 15, 25], Healthy, seed: 5);

        var result = TrainWatchCli.RunAt(200, "diff", dir.Combine("a"), dir.Combine("b"));

        Assert.Contains("no common steps for 'w': run A logged 0..20 every 10 (3 steps), run B logged 5..25 every 10 (3 steps)", result.Out);
    }

    [Fact]
    public void A_norm_that_grows_exponentially_is_flagged_in_the_run_where_it_does()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["fc.weight"], s_steps, Healthy, seed: 6);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["fc.weight"], s_steps, (tag, step) => (0, 0.05 * Math.Exp(step / 40.0)), seed: 6);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json");

        Assert.Equal(1, result.ExitCode);
        var tag = Json(result).GetProperty("tags")[0];
        Assert.Equal(JsonValueKind.Null, tag.GetProperty("exploding_in_a").ValueKind);
        var finding = tag.GetProperty("exploding_in_b");
        Assert.True(finding.GetProperty("growth_factor").GetDouble() > 10, finding.ToString());
    }

    [Fact]
    public void A_late_blow_up_is_described_from_its_onset_not_from_the_run_s_half()
    {
        // Healthy to step 200, then ×1.15 a step: the last-half window starts at 150, before the blow-up (issue 22:
        // from_step said 220–310 while the onset said 400).
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["fc.weight"], s_steps, Healthy, seed: 6);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["fc.weight"], s_steps,
            (tag, step) => (0, Healthy(tag, step).Item2 * (step > 200 ? Math.Pow(1.15, step - 200) : 1)), seed: 6);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json");

        var finding = Json(result).GetProperty("tags")[0].GetProperty("exploding_in_b");
        long onset = finding.GetProperty("onset_step").GetInt64();
        Assert.InRange(onset, 210, 220);
        Assert.Equal(onset, finding.GetProperty("from_step").GetInt64());
        Assert.Equal(300, finding.GetProperty("to_step").GetInt64());
        // ×1.15 a step from the onset to step 300.
        Assert.InRange(finding.GetProperty("growth_factor").GetDouble(), 0.7 * Math.Pow(1.15, 300 - onset), 1.4 * Math.Pow(1.15, 300 - onset));
    }

    [Fact]
    public void Values_that_turn_nan_are_flagged_with_the_first_such_step()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["fc.weight"], s_steps, Healthy, seed: 6);
        using (var writer = new SummaryWriter(dir.Combine("b")))
        {
            foreach (long step in s_steps)
            {
                var values = Histograms.Normal(6, 2000, 0, 0.05);
                if (step >= 200)
                {
                    values[0] = float.NaN; // the core writes the finite rest plus fc.weight/nan_count
                }

                writer.AddHistogram("fc.weight", values, step);
            }
        }

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json", "--tags", "fc.*");

        Assert.Equal(1, result.ExitCode);
        var finding = Json(result).GetProperty("tags")[0].GetProperty("exploding_in_b");
        Assert.Equal(200, finding.GetProperty("non_finite_step").GetInt64());
        Assert.Contains("NaN/Inf at step 200", finding.GetProperty("description").GetString());
    }

    [Fact]
    public void The_tags_filter_limits_the_comparison()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, s_layers, s_steps, Healthy, seed: 1);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, s_layers, s_steps, Planted, seed: 2);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json", "--tags", "fc*");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["fc1.bias", "fc1.weight", "fc2.weight"],
            Json(result).GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("tag").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_healthy_slowly_growing_norm_is_not_flagged()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["fc.weight"], s_steps, Healthy, seed: 6);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["fc.weight"], s_steps, Healthy, seed: 8);

        var tag = Json(TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json")).GetProperty("tags")[0];

        Assert.Equal(JsonValueKind.Null, tag.GetProperty("exploding_in_a").ValueKind);
        Assert.Equal(JsonValueKind.Null, tag.GetProperty("exploding_in_b").ValueKind);
    }

    [Fact]
    public void Tb_out_writes_the_distances_as_a_tensorboard_run_and_report_writes_self_contained_html()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, s_layers, s_steps, Healthy, seed: 1);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, s_layers, s_steps, Planted, seed: 2);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json", "--tb-out", dir.Combine("tb"), "--report", dir.Combine("report.html"));

        var distances = Json(result).GetProperty("tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("tag").GetString()!, t => t.GetProperty("distances").EnumerateArray().Select(d => (float)d.GetDouble()).ToList());
        var file = Directory.GetFiles(dir.Combine("tb")).Single(EventFileName.IsEventFile);
        var written = EventFileReader.ReadAll(file).Events.Where(e => e.Event.Summary is not null)
            .SelectMany(e => e.Event.Summary.Value.Select(v => (e.Event.Step, v.Tag, v.SimpleValue))).ToList();
        Assert.Equal(s_layers.Length * s_steps.Length, written.Count);
        Assert.Equal(distances["conv2.weight"], written.Where(w => w.Tag == "diff/conv2.weight").OrderBy(w => w.Step).Select(w => w.SimpleValue));

        string html = File.ReadAllText(dir.Combine("report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg", html);
        Assert.Contains("conv2.weight", html);
        Assert.Contains("onset 150", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void After_a_restart_the_value_read_last_for_a_step_is_the_one_compared()
    {
        using var dir = new TempDirectory();
        string restarted = dir.Combine("a");
        TestRuns.Write(dir.Combine("first"), HistogramForm.Proto, ["w"], s_steps, Healthy, seed: 9);
        TestRuns.Write(dir.Combine("second"), HistogramForm.Proto, ["w"], [300], (tag, step) => (5, 1), seed: 9);
        Directory.CreateDirectory(restarted);

        // Names fix the reading order: the restart's file sorts after the original one.
        File.Move(Directory.GetFiles(dir.Combine("first")).Single(), Path.Combine(restarted, "events.out.tfevents.0000000001.host.1.0"));
        File.Move(Directory.GetFiles(dir.Combine("second")).Single(), Path.Combine(restarted, "events.out.tfevents.0000000002.host.2.0"));
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["w"], s_steps, Healthy, seed: 9);

        var tag = Json(TrainWatchCli.Run("diff", restarted, dir.Combine("b"), "--json")).GetProperty("tags")[0];

        Assert.Equal(300, tag.GetProperty("onset_step").GetInt64());
        Assert.Equal(s_steps.Length, tag.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public void Runs_with_no_common_histogram_tag_exit_one_with_a_clear_message()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["x"], s_steps, Healthy, seed: 1);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["y"], s_steps, Healthy, seed: 1);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"));

        result.AssertCleanFailure(1);
        Assert.Contains("no histogram tag in common", result.Error);
    }

    [Fact]
    public void A_directory_with_several_runs_is_refused_with_their_names()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("runs", "x"), HistogramForm.Proto, ["w"], [0], Healthy, seed: 1);
        TestRuns.Write(dir.Combine("runs", "y"), HistogramForm.Proto, ["w"], [0], Healthy, seed: 1);

        var result = TrainWatchCli.Run("diff", dir.Combine("runs"), dir.Combine("runs", "x"));

        result.AssertCleanFailure(2);
        Assert.Contains("holds 2 runs (x, y)", result.Error);
    }
}
