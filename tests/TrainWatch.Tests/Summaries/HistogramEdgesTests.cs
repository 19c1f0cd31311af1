using TrainWatch.Summaries;

namespace TrainWatch.Tests.Summaries;

public class HistogramEdgesTests
{
    [Fact]
    public void Limits_are_the_tensorflow_default_exponential_edges()
    {
        var limits = HistogramEdges.Limits;

        // 774 positive limits 1e-12 × 1.1^k below 1e20, mirrored, zero, and DBL_MAX: 1,550 limits.
        Assert.Equal(1550, limits.Length);
        Assert.Equal(0.0, limits[774]);
        Assert.Equal(1e-12, limits[775]);
        Assert.Equal(-1e-12, limits[773]);
        Assert.Equal(1e-12 * 1.1, limits[776], 1e-24);
        Assert.Equal(double.MaxValue, limits[^1]);
        Assert.True(limits[^2] < 1e20 && limits[^2] * 1.1 >= 1e20);
        for (int i = 0; i < 774; i++)
        {
            Assert.Equal(-limits[775 + i], limits[773 - i]);
        }

        for (int i = 1; i < limits.Length; i++)
        {
            Assert.True(limits[i] > limits[i - 1]);
        }
    }

    [Fact]
    public void Table_lookup_agrees_with_binary_search_on_every_limit_and_its_neighbours()
    {
        foreach (double limit in HistogramEdges.Limits)
        {
            foreach (double v in new[] { limit, Math.BitDecrement(limit), Math.BitIncrement(limit) })
            {
                if (double.IsFinite(v))
                {
                    Assert.Equal(HistogramEdges.BucketOfBySearch(v), HistogramEdges.BucketOf(v));
                }
            }
        }
    }

    [Fact]
    public void Table_lookup_agrees_with_binary_search_on_random_and_special_values()
    {
        var random = new Random(11);
        var specials = new[] { 0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 1e-300, -1e-300, 1e300, 3.0, -3.0 };
        var values = specials.Concat(Enumerable.Range(0, 200_000).Select(_ =>
        {
            double magnitude = Math.Pow(10, random.NextDouble() * 80 - 40);
            return random.Next(2) == 0 ? magnitude : -magnitude;
        }));

        foreach (double v in values)
        {
            Assert.Equal(HistogramEdges.BucketOfBySearch(v), HistogramEdges.BucketOf(v));
        }
    }

    [Fact]
    public void A_value_equal_to_a_limit_opens_the_next_bucket_as_in_tensorflow()
    {
        // Bucket i holds limits[i-1] <= v < limits[i]: zero is the lower limit of the bucket that ends at 1e-12.
        Assert.Equal(775, HistogramEdges.BucketOf(0.0));
        Assert.Equal(776, HistogramEdges.BucketOf(1e-12));
        Assert.Equal(774, HistogramEdges.BucketOf(-1e-13));
        Assert.Equal(0, HistogramEdges.BucketOf(-1e30));
        Assert.Equal(1549, HistogramEdges.BucketOf(1e30));
        Assert.Equal(1549, HistogramEdges.BucketOf(double.MaxValue));
    }
}
