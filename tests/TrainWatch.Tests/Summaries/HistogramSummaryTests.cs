using Google.Protobuf;
using TrainWatch.Summaries;

namespace TrainWatch.Tests.Summaries;

public class HistogramSummaryTests
{
    [Fact]
    public void Statistics_are_exact_on_known_input()
    {
        float[] values = [-2f, -0.5f, 0f, 0f, 1f, 3f, 3f, 10f];

        var h = HistogramSummary.FromValues<float>(values, out var nonFinite)!;

        Assert.False(nonFinite.Any);
        Assert.Equal(-2.0, h.Min);
        Assert.Equal(10.0, h.Max);
        Assert.Equal(8.0, h.Num);
        Assert.Equal(14.5, h.Sum);
        Assert.Equal(4 + 0.25 + 1 + 9 + 9 + 100, h.SumSquares);
        Assert.Equal(h.Num, h.Bucket.Sum());
    }

    [Fact]
    public void Buckets_match_an_independent_count_and_empty_ends_are_trimmed()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 50_000).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.05f).ToArray();

        var h = HistogramSummary.FromValues<float>(values, out _)!;

        var limits = HistogramEdges.Limits.ToArray();
        var expected = values
            .GroupBy(v => Array.FindIndex(limits, l => v < l))
            .ToDictionary(g => limits[g.Key], g => (double)g.Count());
        Assert.Equal(expected.Count, h.Bucket.Count(c => c > 0));
        for (int i = 0; i < h.BucketLimit.Count; i++)
        {
            Assert.Equal(expected.GetValueOrDefault(h.BucketLimit[i]), h.Bucket[i]);
        }

        Assert.True(h.Bucket[0] > 0 && h.Bucket[^1] > 0, "empty buckets at either end must be trimmed");
        Assert.Equal(h.BucketLimit.Count, h.Bucket.Count);
        Assert.True(h.BucketLimit[^1] > h.Max && h.BucketLimit[0] > h.Min);
    }

    [Fact]
    public void NaN_and_infinities_are_counted_and_never_poison_the_statistics()
    {
        double[] values = [1.0, double.NaN, 2.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, -4.0];

        var h = HistogramSummary.FromValues<double>(values, out var nonFinite)!;

        Assert.Equal(new NonFiniteCounts(2, 1, 1), nonFinite);
        Assert.Equal(3.0, h.Num);
        Assert.Equal(-4.0, h.Min);
        Assert.Equal(2.0, h.Max);
        Assert.Equal(-1.0, h.Sum);
        Assert.Equal(21.0, h.SumSquares);
        Assert.Equal(3.0, h.Bucket.Sum());
    }

    [Fact]
    public void Empty_and_all_non_finite_inputs_produce_no_histogram()
    {
        Assert.Null(HistogramSummary.FromValues<float>([], out var none));
        Assert.False(none.Any);

        Assert.Null(HistogramSummary.FromValues<float>([float.NaN, float.PositiveInfinity], out var bad));
        Assert.Equal(new NonFiniteCounts(1, 1, 0), bad);

        var summary = HistogramSummary.Build("w", null, bad);
        Assert.NotNull(summary);
        Assert.Equal(["w/nan_count", "w/pos_inf_count"], summary!.Value.Select(v => v.Tag));
        Assert.All(summary.Value, v => Assert.Equal(1f, v.SimpleValue));
        Assert.Null(HistogramSummary.Build("w", null, none));
    }

    [Fact]
    public void Precomputed_buckets_become_right_edges_and_trimmed_counts()
    {
        var data = new HistogramData([0, 1, 2, 3, 4], [0, 5, 0, 2], Min: 1.0, Max: 3.5, Sum: 12, SumOfSquares: 40);

        var h = HistogramSummary.FromBuckets(data)!;

        Assert.Equal([2.0, 3.0, 4.0], h.BucketLimit);
        Assert.Equal([5.0, 0.0, 2.0], h.Bucket);
        Assert.Equal(7.0, h.Num);
        Assert.Equal((1.0, 3.5, 12.0, 40.0), (h.Min, h.Max, h.Sum, h.SumSquares));
    }

    [Theory]
    [InlineData(new double[] { 0, 1 }, new double[] { 1, 2 })] // counts and edges disagree
    [InlineData(new double[] { 0, 2, 1 }, new double[] { 1, 2 })] // edges not increasing
    [InlineData(new double[] { 0, 1, 2 }, new double[] { 1, -2 })] // negative count
    [InlineData(new double[] { 0, double.NaN, 2 }, new double[] { 1, 2 })] // NaN edge
    public void Inconsistent_buckets_are_a_clear_argument_error(double[] edges, double[] counts) =>
        Assert.Throws<ArgumentException>(() => HistogramSummary.FromBuckets(new HistogramData(edges, counts, 0, 1, 0, 0)));

    // The watcher writes its histograms through the uniform form; a message that differs by one bit from what the edges
    // would give (a limit, the total) is a different histogram in TensorBoard and in `trainwatch diff`.
    [Theory]
    [InlineData(-0.37, 1.91, 64, 1)]
    [InlineData(1e-3, 1e-3 + 1e-9, 64, 2)]
    [InlineData(-1e6, 3e7, 7, 3)]
    [InlineData(0.0, 1.0, 1, 4)]
    public void Uniform_buckets_give_the_message_their_edges_give(double min, double max, int bins, int seed)
    {
        var random = new Random(seed);
        var counts = Enumerable.Range(0, bins).Select(_ => random.Next(3) == 0 ? 0 : Math.Round(random.NextDouble() * 1e4, 1)).ToArray();
        counts[0] = 0; // an empty first and last bucket are trimmed
        counts[^1] = bins > 2 ? 0 : counts[^1];
        if (counts.All(c => c == 0))
        {
            counts[bins / 2] = 5;
        }

        double width = (max - min) / bins;
        var edges = Enumerable.Range(0, bins).Select(i => min + width * i).Append(max).ToArray();

        var uniform = HistogramSummary.FromUniformBuckets(min, max, counts, sum: 12.5, sumOfSquares: 99.25)!;
        var fromEdges = HistogramSummary.FromBuckets(new HistogramData(edges, counts, min, max, 12.5, 99.25))!;

        Assert.True(HistogramSummary.HasDistinctUniformEdges(min, max, bins));
        Assert.Equal(fromEdges.ToByteArray(), uniform.ToByteArray());
        Assert.True(uniform.BucketLimit.Count < bins || bins <= 2);
    }

    [Fact]
    public void Uniform_buckets_of_nothing_are_no_histogram_and_bad_ones_a_clear_error()
    {
        Assert.Null(HistogramSummary.FromUniformBuckets(0, 1, new double[4], 0, 0));
        Assert.Throws<ArgumentException>(() => HistogramSummary.FromUniformBuckets(0, 1, [1, -1], 0, 0));
        Assert.Throws<ArgumentException>(() => HistogramSummary.FromUniformBuckets(0, 1, [1, double.PositiveInfinity], 0, 0));
        Assert.Throws<ArgumentException>(() => HistogramSummary.FromUniformBuckets(0, 1, [], 0, 0));

        // Edges that round together: 1 + 1e-15 over 64 buckets has fewer distinct doubles than edges.
        Assert.False(HistogramSummary.HasDistinctUniformEdges(1, 1 + 1e-15, 64));
        Assert.Throws<ArgumentException>(() => HistogramSummary.FromUniformBuckets(1, 1 + 1e-15, new double[64], 0, 0));
        Assert.False(HistogramSummary.HasDistinctUniformEdges(2, 2, 4));
        Assert.False(HistogramSummary.HasDistinctUniformEdges(0, double.PositiveInfinity, 4));
        Assert.True(HistogramSummary.HasDistinctUniformEdges(1, 1 + 1e-12, 64));
    }
}
