using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// How many outputs of a bounded activation sit within 1 % of its limits (sigmoid below 0.01 or above 0.99, |tanh|
/// above 0.99), where its gradient is nearly zero: counted over the whole output, where it lives.
/// </summary>
internal static class Saturation
{
    /// <summary>The centre of a sigmoid's range.</summary>
    public const double SigmoidCentre = 0.5;

    /// <summary>How far from its centre a sigmoid output counts as saturated (below 0.01 or above 0.99).</summary>
    public const double SigmoidLimit = 0.49;

    /// <summary>How far from zero a tanh output counts as saturated (|y| above 0.99).</summary>
    public const double TanhLimit = 0.99;

    /// <summary>Whether outputs of a module of this type can saturate (and are counted).</summary>
    public static bool Applies(string moduleType) => moduleType is "Sigmoid" or "Tanh";

    /// <summary>
    /// [1] float64: the saturated outputs of <paramref name="output"/> from a <paramref name="moduleType"/> module, on
    /// the host when the host kernels can read it (<paramref name="onHost"/>: it is a CPU tensor and they are on),
    /// else as a tensor on its device (owned by the current dispose scope).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowPart Measure(string moduleType, Tensor output, bool onHost)
    {
        if (onHost && HostCounts.Reads(output))
        {
            bool sigmoid = moduleType == "Sigmoid";
            return RowPart.OnHost([HostCounts.Beyond(output, sigmoid ? SigmoidCentre : 0, sigmoid ? SigmoidLimit : TanhLimit)]);
        }

        return RowPart.Of(Count(moduleType, output));
    }

    /// <summary>[1] float64: the saturated outputs of <paramref name="output"/> from a <paramref name="moduleType"/> module, counted by libtorch.</summary>
    public static Tensor Count(string moduleType, Tensor output)
    {
        using var _ = no_grad();
        var values = output.detach();
        var distance = moduleType == "Sigmoid" ? values.sub(DeviceScalars.SigmoidCentre).abs() : values.abs();
        return distance.gt(moduleType == "Sigmoid" ? DeviceScalars.SigmoidSaturation : DeviceScalars.TanhSaturation).sum(ScalarType.Float64).reshape(1);
    }
}
