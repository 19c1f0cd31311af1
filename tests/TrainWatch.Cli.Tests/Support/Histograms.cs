using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Support;

/// <summary>Deterministic samples and bucketings for test runs.</summary>
public static class Histograms
{
    /// <summary>n normal samples with the given mean and std, from a seeded generator (Box–Muller).</summary>
    public static float[] Normal(int seed, int n, double mean, double std)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(mean + std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }

    /// <summary>Counts <paramref name="values"/> into <paramref name="buckets"/> equal buckets over their range.</summary>
    public static HistogramData Bucket(float[] values, int buckets)
    {
        double min = values.Min(), max = values.Max();
        if (max == min)
        {
            max = min + 1;
        }

        var edges = Enumerable.Range(0, buckets + 1).Select(i => min + (max - min) * i / buckets).ToArray();
        var counts = new double[buckets];
        foreach (float v in values)
        {
            counts[Math.Min(buckets - 1, (int)((v - min) / (max - min) * buckets))]++;
        }

        return new HistogramData(edges, counts, values.Min(), values.Max(), values.Sum(v => (double)v), values.Sum(v => (double)v * v));
    }
}
