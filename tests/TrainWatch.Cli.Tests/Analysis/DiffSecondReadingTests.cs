using System.Text.Json;
using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Analysis;

/// <summary>
/// diff reads each run twice: stats first, then only the histograms it compares, found again by their position among
/// their tag's values. These pin that the second reading pairs the same histograms a single reading would.
/// </summary>
public class DiffSecondReadingTests
{
    private static readonly HistogramData s_base = new([-1, 0, 1, 2], [2, 5, 3], -1, 2, 2.5, 9);
    private static readonly HistogramData s_shifted = new([0, 1, 2, 3], [2, 5, 3], 0, 3, 12.5, 29);

    private static JsonElement OnlyTag(CliResult result) => JsonDocument.Parse(result.Out).RootElement.GetProperty("tags")[0];

    private static Summary Histogram(HistogramData data) => new() { Value = { HistogramSummary.ToValue("w", HistogramSummary.FromBuckets(data)!) } };

    [Fact]
    public void An_undecodable_histogram_does_not_shift_which_step_is_compared()
    {
        using var dir = new TempDirectory();
        using (var a = new EventFileWriter(dir.Combine("a")))
        {
            for (int step = 0; step < 10; step++)
            {
                if (step == 2)
                {
                    // An empty histogram of the same tag before the real one: it has no buckets, so it is never compared.
                    a.Write(step, new Summary { Value = { new Summary.Types.Value { Tag = "w", Histo = new HistogramProto() } } });
                }

                a.Write(step, Histogram(s_base));
            }
        }

        using (var b = new EventFileWriter(dir.Combine("b")))
        {
            for (int step = 0; step < 10; step++)
            {
                b.Write(step, Histogram(step == 6 ? s_shifted : s_base));
            }
        }

        var tag = OnlyTag(TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json"));

        // Only step 6 differs: had the empty value been counted wrongly, A's histograms would pair with B's of other
        // steps and every step from 2 on would be compared with the wrong one (or not at all).
        var distances = tag.GetProperty("distances").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        Assert.Equal(10, distances.Length);
        Assert.All(distances.Where((_, i) => i != 6), d => Assert.Equal(0, d));
        Assert.True(distances[6] > 0.2, $"d at step 6 = {distances[6]}");
        Assert.Equal(6, tag.GetProperty("onset_step").GetInt64());
        Assert.Equal(0, tag.GetProperty("steps_only_in_a").GetInt32());
    }

    [Fact]
    public void Max_points_per_tag_thins_the_reported_series_but_not_what_it_is_judged_on()
    {
        using var dir = new TempDirectory();
        long[] steps = [.. Enumerable.Range(0, 101).Select(i => i * 10L)];
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["w"], steps, (_, _) => (0, 1), seed: 1);
        TestRuns.Write(dir.Combine("b"), HistogramForm.Proto, ["w"], steps, (_, step) => (step >= 370 ? 2 : 0, 1), seed: 1);

        var whole = OnlyTag(TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json", "--max-points-per-tag", "0"));
        var thinned = OnlyTag(TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("b"), "--json", "--max-points-per-tag", "8"));

        Assert.Equal(370, whole.GetProperty("onset_step").GetInt64());
        Assert.Equal(370, thinned.GetProperty("onset_step").GetInt64());
        Assert.Equal(whole.GetProperty("max_distance").GetDouble(), thinned.GetProperty("max_distance").GetDouble());
        Assert.Equal(101, whole.GetProperty("common_steps").GetInt32());
        Assert.Equal(101, thinned.GetProperty("common_steps").GetInt32());

        // At most 8 points, among them the first, the last, the onset and the maximum; each the value the whole series has there.
        var allSteps = whole.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
        var allDistances = whole.GetProperty("distances").EnumerateArray().Select(d => d.GetDouble()).ToList();
        var keptSteps = thinned.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
        var keptDistances = thinned.GetProperty("distances").EnumerateArray().Select(d => d.GetDouble()).ToList();
        Assert.Equal(101, allSteps.Count);
        Assert.InRange(keptSteps.Count, 4, 8);
        Assert.Equal(keptSteps.Order(), keptSteps);
        Assert.Contains(0, keptSteps);
        Assert.Contains(1000, keptSteps);
        Assert.Contains(370, keptSteps);
        Assert.Contains(whole.GetProperty("max_distance_step").GetInt64(), keptSteps);
        Assert.Equal(keptSteps.Select(s => allDistances[allSteps.IndexOf(s)]), keptDistances);
        Assert.Equal(keptSteps.Count, thinned.GetProperty("norm_ratios").GetArrayLength());
        Assert.Equal(keptSteps.Count, thinned.GetProperty("std_ratios").GetArrayLength());
    }

    [Fact]
    public void A_negative_max_points_per_tag_is_refused()
    {
        using var dir = new TempDirectory();
        TestRuns.Write(dir.Combine("a"), HistogramForm.Proto, ["w"], [0, 10], (_, _) => (0, 1), seed: 1);

        var result = TrainWatchCli.Run("diff", dir.Combine("a"), dir.Combine("a"), "--max-points-per-tag", "-1");

        result.AssertCleanFailure(2);
        Assert.Contains("--max-points-per-tag", result.Error);
    }
}
