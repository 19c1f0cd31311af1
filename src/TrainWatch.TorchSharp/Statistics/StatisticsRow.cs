using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// The two layouts of one tensor's statistics in the packed float64 vector that travels to the host. Device code
/// writes them, host code (<see cref="TensorStats"/>) reads them.
/// </summary>
/// <remarks>
/// <para>The <b>fast</b> row is what every sample step computes: one-pass reductions and a histogram, valid when every
/// value is finite. A non-finite value shows as a non-finite sum, and only then is the tensor reduced again into the
/// <b>robust</b> row, which masks NaN and ±∞ out and counts them — so healthy steps pay for no masking.</para>
/// <para>Why the fast row's sums are <i>shifted</i>: Σx² − (Σx)²/n from float32 sums loses every digit of the
/// variance when |mean| ≫ std (norm-layer gains near 1, an embedding with an offset): at |mean|/std = 10⁴ the two
/// terms agree in 8 digits and float32 keeps 7. Subtracting the tensor's first element s first (d = x − s, exact when
/// x and s are close) keeps the sums at the scale of the spread; the host then recovers Σx = Σd + n·s,
/// Σx² = Σd² + 2sΣd + n·s² and the centred Σ(x − mean)² = Σd² − (Σd)²/n in float64.</para>
/// </remarks>
internal static class StatisticsRow
{
    // Fast row: statistics over the sampled elements, then (only for rows with units) the dead units over the whole
    // tensor, then the bucket counts.
    public const int FastShift = 0;
    public const int FastShiftedSum = 1;
    public const int FastShiftedSumOfSquares = 2;
    public const int FastMin = 3;
    public const int FastMax = 4;
    public const int FastZeros = 5;
    public const int FastDeadChannels = 6;

    // Robust row: every distribution statistic over the finite sampled elements only, accumulated in float64.
    public const int Finite = 0;
    public const int Sum = 1;
    public const int SumOfSquares = 2;
    public const int CentredSumOfSquares = 3;
    public const int Min = 4;
    public const int Max = 5;
    public const int Zeros = 6;
    public const int NaN = 7;

    /// <summary>Units all zero over the whole tensor (0 where not counted); zeros above are over the sampled elements.</summary>
    public const int DeadChannels = 8;

    /// <summary>Where the robust row's bucket counts start.</summary>
    public const int HistogramStart = 9;

    /// <summary>Where a fast row's bucket counts start: after the dead-unit count when the row has one.</summary>
    public static int FastHistogramStart(bool hasChannels) => hasChannels ? 7 : 6;

    public static int FastLength(int bins, bool hasChannels) => FastHistogramStart(hasChannels) + bins;

    /// <summary>
    /// Whether a fast row can be decoded as it is: NaN or ±∞ anywhere in the tensor makes its shift, sums or bounds
    /// non-finite, and then only the robust row tells the statistics.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool FastRowIsFinite(ReadOnlySpan<double> row) =>
        double.IsFinite(row[FastShift]) && double.IsFinite(row[FastShiftedSum]) && double.IsFinite(row[FastShiftedSumOfSquares])
        && double.IsFinite(row[FastMin]) && double.IsFinite(row[FastMax]);

    public static int Length(int bins) => HistogramStart + bins;
}
