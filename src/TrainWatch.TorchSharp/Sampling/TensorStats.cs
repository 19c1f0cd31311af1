using System.Runtime.CompilerServices;
using TrainWatch.Protos;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Statistics;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>One tensor's statistics on the host, decoded from its statistics row.</summary>
internal sealed class TensorStats
{
    private readonly double[] _counts;

    private TensorStats(RowShape shape, double finite, double sum, double sumOfSquares, double centredSumOfSquares, double min, double max, double zeros, double nan, double deadChannels, double[] counts)
    {
        CentredSumOfSquares = centredSumOfSquares;
        Numel = shape.Numel;
        Rank = shape.Rank;
        SampleCount = shape.SampleCount;
        Channels = shape.Channels;
        Finite = finite;
        Sum = sum;
        SumOfSquares = sumOfSquares;
        Min = min;
        Max = max;
        Zeros = zeros;
        NaNCount = nan;
        DeadChannels = shape.Channels > 0 ? deadChannels : -1;
        _counts = counts;
    }

    /// <summary>Elements in the tensor.</summary>
    public double Numel { get; }

    /// <summary>The tensor's number of dimensions (1 for a bias or a norm layer's gain).</summary>
    public int Rank { get; }

    /// <summary>Elements the distribution (mean, std, min, max, histogram) describes: all, or the first samples of a batch.</summary>
    public double SampleCount { get; }

    /// <summary>Finite sampled elements (the ones the distribution statistics are computed over).</summary>
    public double Finite { get; }

    /// <summary>Sum of the finite sampled elements.</summary>
    public double Sum { get; }

    /// <summary>Sum of their squares.</summary>
    public double SumOfSquares { get; }

    /// <summary>Σ(x − mean)² of the finite sampled elements, accumulated so that it stays accurate when |mean| ≫ std.</summary>
    public double CentredSumOfSquares { get; }

    /// <summary>Smallest finite sampled element (+∞ when there is none).</summary>
    public double Min { get; }

    /// <summary>Largest finite sampled element (−∞ when there is none).</summary>
    public double Max { get; }

    /// <summary>Sampled elements exactly zero.</summary>
    public double Zeros { get; }

    /// <summary>NaN sampled elements.</summary>
    public double NaNCount { get; }

    /// <summary>±∞ sampled elements.</summary>
    public double InfCount => SampleCount - Finite - NaNCount;

    /// <summary>Units (features or channels along the unit axis) that are zero over the whole batch; −1 when not counted.</summary>
    public double DeadChannels { get; }

    /// <summary>Channels examined for <see cref="DeadChannels"/>.</summary>
    public double Channels { get; }

    /// <summary>Mean of the finite sampled elements.</summary>
    public double Mean => Finite > 0 ? Sum / Finite : double.NaN;

    /// <summary>Standard deviation of the finite sampled elements (unbiased, like <c>torch.std</c>).</summary>
    public double Std => Finite > 1 ? Math.Sqrt(Math.Max(0, CentredSumOfSquares) / (Finite - 1)) : 0;

    /// <summary>L2 norm of the finite sampled elements.</summary>
    public double Norm => Math.Sqrt(SumOfSquares);

    /// <summary>Fraction of sampled elements exactly zero (dead units for activations after ReLU).</summary>
    public double ZeroFraction => SampleCount > 0 ? Zeros / SampleCount : 0;

    /// <summary>Whether any sampled element is NaN or ±∞.</summary>
    public bool HasNonFinite => Finite < SampleCount;

    /// <summary>Bucket counts over uniform buckets from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public ReadOnlySpan<double> Counts => _counts;

    /// <summary>Decodes a fast row; null when it shows a non-finite value (then the robust row is needed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static TensorStats? FromFastRow(ReadOnlySpan<double> row, RowShape shape)
    {
        double shift = row[StatisticsRow.FastShift];
        double shiftedSum = row[StatisticsRow.FastShiftedSum], shiftedSquares = row[StatisticsRow.FastShiftedSumOfSquares];
        double min = row[StatisticsRow.FastMin], max = row[StatisticsRow.FastMax];
        if (!double.IsFinite(shift) || !double.IsFinite(shiftedSum) || !double.IsFinite(shiftedSquares) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            return null;
        }

        // Back from d = x − shift to x (see StatisticsRow), in float64.
        double n = shape.SampleCount;
        double sum = shiftedSum + n * shift;
        double sumOfSquares = Math.Max(0, shiftedSquares + shift * (2 * shiftedSum + n * shift));
        double centred = shiftedSquares - shiftedSum * shiftedSum / n;
        return new TensorStats(
            shape,
            finite: n,
            sum,
            sumOfSquares,
            centred,
            min,
            max,
            zeros: row[StatisticsRow.FastZeros],
            nan: 0,
            shape.HasChannels ? row[StatisticsRow.FastDeadChannels] : -1,
            row[StatisticsRow.FastHistogramStart(shape.HasChannels)..].ToArray());
    }

    /// <summary>Decodes a robust row.</summary>
    internal static TensorStats FromRobustRow(ReadOnlySpan<double> row, RowShape shape) => new(
        shape,
        row[StatisticsRow.Finite],
        row[StatisticsRow.Sum],
        row[StatisticsRow.SumOfSquares],
        row[StatisticsRow.CentredSumOfSquares],
        row[StatisticsRow.Min],
        row[StatisticsRow.Max],
        row[StatisticsRow.Zeros],
        row[StatisticsRow.NaN],
        row[StatisticsRow.DeadChannels],
        row[StatisticsRow.HistogramStart..].ToArray());

    /// <summary>
    /// A fast row rejected by <see cref="FromFastRow"/> whose tensor is gone (an activation): when only its sums
    /// overflowed float32 — a NaN makes them NaN, a ±∞ shows in the bounds — every element is finite, only huge (a
    /// run blowing up), and its NaN and ±∞ counts are 0. Null when the row shows a real NaN or ±∞.
    /// </summary>
    internal static TensorStats? FromOverflowedFastRow(ReadOnlySpan<double> row, RowShape shape)
    {
        double shift = row[StatisticsRow.FastShift];
        double shiftedSum = row[StatisticsRow.FastShiftedSum], shiftedSquares = row[StatisticsRow.FastShiftedSumOfSquares];
        double min = row[StatisticsRow.FastMin], max = row[StatisticsRow.FastMax];
        if (!double.IsFinite(shift) || double.IsNaN(shiftedSum) || double.IsNaN(shiftedSquares) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            return null;
        }

        double n = shape.SampleCount;
        return new TensorStats(
            shape,
            finite: n,
            double.IsFinite(shiftedSum) ? shiftedSum + (n * shift) : shiftedSum,
            double.PositiveInfinity,
            double.PositiveInfinity,
            min,
            max,
            zeros: row[StatisticsRow.FastZeros],
            nan: 0,
            shape.HasChannels ? row[StatisticsRow.FastDeadChannels] : -1,
            row[StatisticsRow.FastHistogramStart(shape.HasChannels)..].ToArray());
    }

    /// <summary>A fast row showed a non-finite value but the tensor is gone: all that is known is that it had one.</summary>
    internal static TensorStats NonFiniteUnknown(RowShape shape, int bins) =>
        new(shape, finite: 0, sum: 0, sumOfSquares: 0, centredSumOfSquares: 0, double.PositiveInfinity, double.NegativeInfinity, zeros: 0, nan: double.NaN, deadChannels: -1, new double[bins]);

    /// <summary>
    /// Adds the histogram (<see cref="ToHistogram"/>'s) to <paramref name="values"/> under <paramref name="tag"/>, or
    /// nothing when no element is finite. When the buckets have distinct edges (nearly always) it is encoded straight
    /// from the counts, which spares a sample step's many histograms their edge arrays and messages.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AddHistogram(SummaryEncoder values, PreparedTag tag)
    {
        if (Finite > 0 && HistogramSummary.HasDistinctUniformEdges(Min, Max, _counts.Length))
        {
            values.AddUniformHistogram(tag, Min, Max, _counts, Sum, SumOfSquares);
        }
        else if (ToHistogram() is { } data)
        {
            values.AddHistogram(tag, data);
        }
    }

    /// <summary>The histogram for the writer, or null when no element is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public HistogramData? ToHistogram()
    {
        if (Finite <= 0)
        {
            return null;
        }

        // Ranges near double precision can make neighbouring edges equal; then one bucket says it honestly.
        int bins = _counts.Length;
        if (HistogramSummary.HasDistinctUniformEdges(Min, Max, bins))
        {
            var edges = new double[bins + 1];
            double width = (Max - Min) / bins;
            for (int i = 0; i < bins; i++)
            {
                edges[i] = Min + width * i;
            }

            edges[bins] = Max;
            return new HistogramData(edges, _counts, Min, Max, Sum, SumOfSquares);
        }

        double pad = Math.Max(Math.Abs(Min) * 1e-6, 1e-12);
        return new HistogramData([Min, Min + pad], [Finite], Min, Max, Sum, SumOfSquares);
    }
}
