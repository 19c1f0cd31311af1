namespace TrainWatch.Cli.Reading;

/// <summary>
/// One histogram as buckets <c>[Lefts[i], Rights[i]]</c> holding <c>Counts[i]</c> values, whatever form it was written in,
/// plus the moments of the values. Buckets are ordered and do not overlap; a bucket with equal edges is a point mass.
/// </summary>
internal sealed class BucketHistogram(double[] lefts, double[] rights, double[] counts, double num, double sum, double sumSquares)
{
    /// <summary>Left edges, increasing.</summary>
    public double[] Lefts { get; } = lefts;

    /// <summary>Right edges; <c>Rights[i] &gt;= Lefts[i]</c> and <c>Rights[i] &lt;= Lefts[i + 1]</c>.</summary>
    public double[] Rights { get; } = rights;

    /// <summary>Values per bucket.</summary>
    public double[] Counts { get; } = counts;

    /// <summary>The number of values.</summary>
    public double Num { get; } = num;

    /// <summary>Their sum (exact when the writer recorded it, else from the buckets).</summary>
    public double Sum { get; } = sum;

    /// <summary>The sum of their squares (exact when the writer recorded it, else from the buckets).</summary>
    public double SumSquares { get; } = sumSquares;

    /// <summary>The smallest value (the first bucket's left edge).</summary>
    public double Min => Lefts[0];

    /// <summary>The largest value (the last bucket's right edge).</summary>
    public double Max => Rights[^1];

    /// <summary>The mean.</summary>
    public double Mean => Sum / Num;

    /// <summary>The population standard deviation.</summary>
    public double StandardDeviation => Math.Sqrt(Math.Max(0, SumSquares / Num - Mean * Mean));

    /// <summary>The L2 norm of the values, <c>sqrt(sum of squares)</c>.</summary>
    public double Norm => Math.Sqrt(SumSquares);

    /// <summary>The root mean square, <c>sqrt(E[x²])</c>: the scale the diff distance is divided by.</summary>
    public double RootMeanSquare => Math.Sqrt(SumSquares / Num);

    /// <summary>
    /// The value below which a fraction <paramref name="probability"/> of the values lie, with each bucket's values spread
    /// uniformly over it (the same model the diff distance uses).
    /// </summary>
    public double Quantile(double probability)
    {
        double target = Math.Clamp(probability, 0, 1) * Num;
        double cumulative = 0;
        for (int i = 0; i < Counts.Length; i++)
        {
            double next = cumulative + Counts[i];
            if (next >= target && Counts[i] > 0)
            {
                double within = (target - cumulative) / Counts[i];
                return Lefts[i] + (Rights[i] - Lefts[i]) * Math.Clamp(within, 0, 1);
            }

            cumulative = next;
        }

        return Max;
    }
}
