namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// The fixed layout of one tensor's statistics in the packed float64 vector that travels to the host: eight
/// reductions, the dead-channel count, then the histogram's bucket counts. Device code writes it, host code reads it.
/// </summary>
internal static class StatisticsRow
{
    public const int Numel = 0;
    public const int Finite = 1;
    public const int Sum = 2;
    public const int SumOfSquares = 3;
    public const int Min = 4;
    public const int Max = 5;
    public const int Zeros = 6;
    public const int NaN = 7;

    /// <summary>Channels all zero over the whole batch (conv activations); -1 where it does not apply.</summary>
    public const int DeadChannels = 8;

    /// <summary>Channels counted for <see cref="DeadChannels"/>; 0 where it does not apply.</summary>
    public const int Channels = 9;

    /// <summary>Where the bucket counts start.</summary>
    public const int HistogramStart = 10;

    public static int Length(int bins) => HistogramStart + bins;
}
