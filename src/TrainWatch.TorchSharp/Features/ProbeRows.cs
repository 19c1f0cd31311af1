using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features;

/// <summary>How the picture and projector probes keep the first rows of a batch a user hands them.</summary>
internal static class ProbeRows
{
    /// <summary>The device the model computes on: its first parameter's, or <paramref name="fallback"/> when it has none.</summary>
    public static Device ModelDevice(Module model, Device fallback) =>
        model.parameters().FirstOrDefault()?.device ?? fallback;

    /// <summary>A detached copy of the first <paramref name="count"/> rows of <paramref name="values"/> on <paramref name="device"/>, in the caller's dispose scope.</summary>
    /// <exception cref="ArgumentException">The values cannot be copied there (memory the host cannot read, say).</exception>
    public static Tensor Copy(Tensor values, long count, Device device)
    {
        try
        {
            return values.detach().narrow(0, 0, count).to(device).clone();
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new ArgumentException($"The probe on device '{values.device}' cannot be copied to the model's device '{device}': {e.Message}", nameof(values), e);
        }
    }
}
