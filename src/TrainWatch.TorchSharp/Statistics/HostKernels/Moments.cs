namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// The one-pass part of a fast row over a run of elements: sums of d = x − shift and of d² (see
/// <see cref="StatisticsRow"/> for why shifted), min, max and the number of exact zeros. Partial results of chunks
/// combine with <see cref="Add"/>.
/// </summary>
internal struct Moments
{
    public double ShiftedSum;
    public double ShiftedSquares;
    public double Min;
    public double Max;
    public double Zeros;

    public static Moments Empty => new() { Min = double.PositiveInfinity, Max = double.NegativeInfinity };

    public void Add(in Moments other)
    {
        ShiftedSum += other.ShiftedSum;
        ShiftedSquares += other.ShiftedSquares;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Zeros += other.Zeros;
    }
}
