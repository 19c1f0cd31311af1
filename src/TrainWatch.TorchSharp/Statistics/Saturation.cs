using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// How many outputs of a bounded activation sit within 1 % of its limits (sigmoid below 0.01 or above 0.99, |tanh|
/// above 0.99), where its gradient is nearly zero: counted on the device, over the whole output.
/// </summary>
internal static class Saturation
{
    /// <summary>Whether outputs of a module of this type can saturate (and are counted).</summary>
    public static bool Applies(string moduleType) => moduleType is "Sigmoid" or "Tanh";

    /// <summary>[1] float64: the saturated outputs of <paramref name="output"/> from a <paramref name="moduleType"/> module.</summary>
    public static Tensor Count(string moduleType, Tensor output)
    {
        using var _ = no_grad();
        var values = output.detach();
        var distance = moduleType == "Sigmoid" ? values.sub(DeviceScalars.SigmoidCentre).abs() : values.abs();
        return distance.gt(moduleType == "Sigmoid" ? DeviceScalars.SigmoidSaturation : DeviceScalars.TanhSaturation).sum(ScalarType.Float64).reshape(1);
    }
}
