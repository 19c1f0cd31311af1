using TrainWatch.Summaries;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>One tensor's statistics on the host, decoded from its <see cref="StatisticsRow"/>.</summary>
public sealed class TensorStats
{
    private readonly double[] _counts;

    internal TensorStats(ReadOnlySpan<double> row)
    {
        Numel = row[StatisticsRow.Numel];
        Finite = row[StatisticsRow.Finite];
        Sum = row[StatisticsRow.Sum];
        SumOfSquares = row[StatisticsRow.SumOfSquares];
        Min = row[StatisticsRow.Min];
        Max = row[StatisticsRow.Max];
        Zeros = row[StatisticsRow.Zeros];
        NaNCount = row[StatisticsRow.NaN];
        DeadChannels = row[StatisticsRow.DeadChannels];
        Channels = row[StatisticsRow.Channels];
        _counts = row[StatisticsRow.HistogramStart..].ToArray();
    }

    /// <summary>Elements in the tensor.</summary>
    public double Numel { get; }

    /// <summary>Finite elements (the ones every other statistic is computed over).</summary>
    public double Finite { get; }

    /// <summary>Sum of the finite elements.</summary>
    public double Sum { get; }

    /// <summary>Sum of squares of the finite elements.</summary>
    public double SumOfSquares { get; }

    /// <summary>Smallest finite element (+∞ when there is none).</summary>
    public double Min { get; }

    /// <summary>Largest finite element (−∞ when there is none).</summary>
    public double Max { get; }

    /// <summary>Elements exactly zero.</summary>
    public double Zeros { get; }

    /// <summary>NaN elements.</summary>
    public double NaNCount { get; }

    /// <summary>±∞ elements.</summary>
    public double InfCount => Numel - Finite - NaNCount;

    /// <summary>Channels that are zero over the whole batch; −1 when not counted.</summary>
    public double DeadChannels { get; }

    /// <summary>Channels examined for <see cref="DeadChannels"/>.</summary>
    public double Channels { get; }

    /// <summary>Mean of the finite elements.</summary>
    public double Mean => Finite > 0 ? Sum / Finite : double.NaN;

    /// <summary>Standard deviation of the finite elements (unbiased, like <c>torch.std</c>).</summary>
    public double Std => Finite > 1 ? Math.Sqrt(Math.Max(0, (SumOfSquares - Sum * Sum / Finite) / (Finite - 1))) : 0;

    /// <summary>L2 norm of the finite elements.</summary>
    public double Norm => Math.Sqrt(SumOfSquares);

    /// <summary>Fraction of elements exactly zero (dead units for activations after ReLU).</summary>
    public double ZeroFraction => Numel > 0 ? Zeros / Numel : 0;

    /// <summary>Whether any element is NaN or ±∞.</summary>
    public bool HasNonFinite => Finite < Numel;

    /// <summary>Bucket counts over uniform buckets from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public ReadOnlySpan<double> Counts => _counts;

    /// <summary>The histogram for the writer, or null when no element is finite.</summary>
    public HistogramData? ToHistogram()
    {
        if (Finite <= 0)
        {
            return null;
        }

        int bins = _counts.Length;
        double[] edges;
        double[] counts;
        if (Max > Min)
        {
            edges = new double[bins + 1];
            double width = (Max - Min) / bins;
            for (int i = 0; i < bins; i++)
            {
                edges[i] = Min + width * i;
            }

            edges[bins] = Max;

            // Rounding can make neighbouring edges equal for ranges near double precision; merge such buckets.
            if (edges.Zip(edges.Skip(1)).All(p => p.Second > p.First))
            {
                counts = _counts;
            }
            else
            {
                return SingleBucket();
            }
        }
        else
        {
            return SingleBucket();
        }

        return new HistogramData(edges, counts, Min, Max, Sum, SumOfSquares);

        HistogramData SingleBucket()
        {
            double pad = Math.Max(Math.Abs(Min) * 1e-6, 1e-12);
            return new HistogramData([Min, Min + pad], [Finite], Min, Max, Sum, SumOfSquares);
        }
    }
}
