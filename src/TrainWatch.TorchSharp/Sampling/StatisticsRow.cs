namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// The two layouts of one tensor's statistics in the packed float64 vector that travels to the host. Device code
/// writes them, host code (<see cref="TensorStats"/>) reads them.
/// </summary>
/// <remarks>
/// The <b>fast</b> row is what every sample step computes: four one-pass reductions and a histogram, valid when every
/// value is finite. A non-finite value shows as a non-finite mean, and only then is the tensor reduced again into the
/// <b>robust</b> row, which masks NaN and ±∞ out and counts them — so healthy steps pay for no masking.
/// </remarks>
internal static class StatisticsRow
{
    // Fast row: statistics over the sampled elements, then (only for rows with channels) the dead channels over the
    // whole tensor, then the bucket counts.
    public const int FastSum = 0;
    public const int FastSumOfSquares = 1;
    public const int FastMin = 2;
    public const int FastMax = 3;
    public const int FastZeros = 4;
    public const int FastDeadChannels = 5;

    // Robust row: every distribution statistic over the finite sampled elements only.
    public const int Finite = 0;
    public const int Sum = 1;
    public const int SumOfSquares = 2;
    public const int Min = 3;
    public const int Max = 4;
    public const int Zeros = 5;
    public const int NaN = 6;

    /// <summary>Channels all zero over the whole tensor (0 where not counted); zeros above are over the sampled elements.</summary>
    public const int DeadChannels = 7;

    /// <summary>Where the robust row's bucket counts start.</summary>
    public const int HistogramStart = 8;

    /// <summary>Where a fast row's bucket counts start: after the dead-channel count when the row has one.</summary>
    public static int FastHistogramStart(bool hasChannels) => hasChannels ? 6 : 5;

    public static int FastLength(int bins, bool hasChannels) => FastHistogramStart(hasChannels) + bins;

    public static int Length(int bins) => HistogramStart + bins;
}
