using TrainWatch.Distributions;

namespace TrainWatch.Tests.Distributions;

public class SymLogBucketsTests
{
    private static readonly SymLogBuckets s_buckets = new(threshold: 1e-3, limit: 1e3, bucketsPerDecade: 4);

    [Fact]
    public void The_edges_are_a_symmetric_log_scale_with_a_zero_bucket_and_overflow_at_both_ends()
    {
        // 6 decades × 4 per side, a zero bucket and an overflow bucket per side.
        Assert.Equal(24, s_buckets.LogBucketsPerSide);
        Assert.Equal(51, s_buckets.Count);
        Assert.Equal(25, s_buckets.ZeroBucket);
        Assert.Equal(1e3, s_buckets.Limit, 1e-9);
        var edges = s_buckets.InnerEdges.ToArray();
        for (int i = 0; i < edges.Length; i++)
        {
            Assert.Equal(-edges[i], edges[edges.Length - 1 - i]);
        }

        // Four buckets per decade: edge ratios of 10^(1/4) on the positive side.
        for (int k = 26; k < edges.Length; k++)
        {
            Assert.Equal(Math.Pow(10, 0.25), edges[k] / edges[k - 1], 1e-9);
        }

        Assert.Equal(s_buckets.ZeroBucket, s_buckets.BucketOf(0));
        Assert.Equal(s_buckets.ZeroBucket, s_buckets.BucketOf(-9.9e-4));
        Assert.Equal(s_buckets.ZeroBucket + 1, s_buckets.BucketOf(1e-3));
        Assert.Equal(s_buckets.Count - 1, s_buckets.BucketOf(1e3));
        Assert.Equal(s_buckets.Count - 1, s_buckets.BucketOf(double.PositiveInfinity));
        Assert.Equal(0, s_buckets.BucketOf(-5e7));
        Assert.Equal(s_buckets.ZeroBucket + 13, s_buckets.BucketOf(1.5)); // [1, 10^0.25)
    }

    [Fact]
    public void Rebinning_spreads_each_uniform_bucket_by_overlap_and_keeps_the_total()
    {
        // Two uniform buckets over [-1, 1]: each holds 10 values, spread over the fixed buckets from -1 to 0 and 0 to 1.
        double[] fixedCounts = s_buckets.Rebin(-1, 1, [10, 10]);
        Assert.Equal(20, fixedCounts.Sum(), 12);
        for (int i = 0; i < s_buckets.Count; i++)
        {
            double lo = Math.Max(-1, s_buckets.LowerBound(i)), hi = Math.Min(1, s_buckets.UpperBound(i));
            double expected = hi > lo ? 10 * (hi - lo) : 0;
            Assert.Equal(expected, fixedCounts[i], 9);
        }

        // Symmetric input, symmetric output.
        for (int i = 0; i < s_buckets.Count; i++)
        {
            Assert.Equal(fixedCounts[i], fixedCounts[s_buckets.Count - 1 - i], 9);
        }
    }

    [Fact]
    public void Values_beyond_the_limit_land_in_the_overflow_buckets_and_a_single_value_range_in_its_own_bucket()
    {
        double[] exploded = s_buckets.Rebin(2e3, 4e3, [3, 0, 5]);
        Assert.Equal(8, exploded[^1]);
        Assert.Equal(8, exploded.Sum());

        double[] negative = s_buckets.Rebin(-1e9, -1e5, [7]);
        Assert.Equal(7, negative[0]);

        double[] zeros = s_buckets.Rebin(0, 0, [0, 12, 0]);
        Assert.Equal(12, zeros[s_buckets.ZeroBucket]);
        Assert.Equal(12, zeros.Sum());

        Assert.All(s_buckets.Rebin(double.PositiveInfinity, double.NegativeInfinity, [0, 0]), c => Assert.Equal(0, c));
    }

    [Fact]
    public void A_range_straddling_the_limit_splits_between_the_last_log_bucket_and_overflow()
    {
        // One uniform bucket from 500 to 2000: a third of it (500..1000) is below the limit.
        double[] counts = s_buckets.Rebin(500, 2000, [30]);
        Assert.Equal(20, counts[^1], 9);
        Assert.Equal(10, counts[..^1].Sum(), 9);
    }

    [Fact]
    public void Axis_labels_name_zero_and_the_decades()
    {
        var labels = s_buckets.AxisLabels();
        Assert.Equal(("0", s_buckets.ZeroBucket + 0.5), (labels[0].Text, labels[0].Position));
        Assert.Contains(labels, l => l.Text == "1E3" && l.Position == s_buckets.Count - 1); // the lower edge of the overflow bucket
        Assert.Contains(labels, l => l.Text == "-1E3" && l.Position == 1);
        Assert.Contains(labels, l => l.Text == "1");
        Assert.Contains(labels, l => l.Text == "1E-3" && l.Position == s_buckets.ZeroBucket + 1);
        Assert.Equal("2.5", SymLogBuckets.Label(2.5));
    }

    [Theory]
    [InlineData(0, 1, 4)]
    [InlineData(1e-3, 1e-3, 4)]
    [InlineData(1e-3, 1, 0)]
    [InlineData(double.NaN, 1, 4)]
    public void Bad_scales_are_refused(double threshold, double limit, int perDecade)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SymLogBuckets(threshold, limit, perDecade));
    }

    // The watcher rebins every layer at every sample step into one buffer it keeps: what the buffer held before must
    // never leak into the next layer's counts.
    [Fact]
    public void Rebinning_into_a_kept_buffer_clears_it_first_and_gives_the_same_counts()
    {
        var buffer = Enumerable.Repeat(99.0, s_buckets.Count + 3).ToArray();

        s_buckets.Rebin(-0.3, 2.5, [4, 0, 7, 1], buffer);
        Assert.Equal(s_buckets.Rebin(-0.3, 2.5, [4, 0, 7, 1]), buffer[..s_buckets.Count]);
        Assert.All(buffer[s_buckets.Count..], c => Assert.Equal(99.0, c));

        s_buckets.Rebin(1, 1, [0, 0], buffer);
        Assert.All(buffer[..s_buckets.Count], c => Assert.Equal(0, c));

        Assert.Throws<ArgumentException>(() => s_buckets.Rebin(0, 1, [1], new double[s_buckets.Count - 1]));
    }

    // Rebinning walks the fixed buckets along the ascending uniform ones instead of searching for each: against the
    // overlaps worked out directly for every pair of buckets, on 64-bucket histograms over ranges that start and end on
    // edges, cross the zero bucket, sit inside one bucket or reach past the limits (empty buckets skipped on the way).
    [Theory]
    [InlineData(-0.01, 0.02, 1)]
    [InlineData(1e-3, 1e3, 2)] // both ends exactly on edges
    [InlineData(-1e3, -1e-3, 3)]
    [InlineData(0.1, 0.1001, 4)] // inside one bucket
    [InlineData(-5e4, 7e5, 5)] // past both limits
    [InlineData(0, 1.7782794100389228, 6)] // from the zero bucket's middle to an edge (10^0.25)
    public void Rebinning_gives_each_fixed_bucket_its_overlap_with_every_uniform_bucket(double min, double max, int seed)
    {
        var random = new Random(seed);
        double[] uniform = Enumerable.Range(0, 64).Select(i => random.Next(4) == 0 ? 0.0 : random.Next(1, 1000)).ToArray();

        double[] counts = s_buckets.Rebin(min, max, uniform);

        double width = (max - min) / uniform.Length;
        var expected = new double[s_buckets.Count];
        for (int i = 0; i < uniform.Length; i++)
        {
            double a = min + (width * i), b = i == uniform.Length - 1 ? max : min + (width * (i + 1));
            for (int j = 0; j < s_buckets.Count; j++)
            {
                double overlap = Math.Min(b, s_buckets.UpperBound(j)) - Math.Max(a, s_buckets.LowerBound(j));
                if (overlap > 0)
                {
                    expected[j] += uniform[i] * overlap / (b - a);
                }
            }
        }

        Assert.Equal(uniform.Sum(), counts.Sum(), 1e-9 * uniform.Sum());
        for (int j = 0; j < s_buckets.Count; j++)
        {
            Assert.True(Math.Abs(expected[j] - counts[j]) <= 1e-9 * uniform.Sum(), $"bucket {j}: expected {expected[j]}, rebinned {counts[j]}");
        }
    }
}
