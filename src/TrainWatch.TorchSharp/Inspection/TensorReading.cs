using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Inspection;

/// <summary>What the model check measured of one tensor, on the host.</summary>
/// <param name="Tensor">The tensor measured.</param>
/// <param name="Stats">Its statistics row, decoded (robust, with NaN and ±∞ counted, when it has any).</param>
/// <param name="Denormals">Nonzero values below the smallest normal magnitude of its dtype.</param>
internal sealed record TensorReading(CheckedTensor Tensor, TensorStats Stats, double Denormals)
{
    /// <summary>The largest finite magnitude (0 when no value is finite).</summary>
    public double AbsMax => Stats.Finite > 0 ? Math.Max(Math.Abs(Stats.Min), Math.Abs(Stats.Max)) : 0;

    public double NonFinite => Stats.NaNCount + Stats.InfCount;

    /// <summary>Every value is exactly zero.</summary>
    public bool AllZero => Stats.Zeros == Stats.Numel;

    /// <summary>Every value is the same finite number.</summary>
    public bool Uniform => Stats.Finite == Stats.Numel && Stats.Min == Stats.Max;
}
