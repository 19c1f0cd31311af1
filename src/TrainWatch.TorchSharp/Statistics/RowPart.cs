using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// A piece of a sample step's packed float64 vector: values already on the host (what the host kernels compute for
/// CPU tensors) or a 1-D float64 tensor (what libtorch ops compute, on the measured tensor's device).
/// <see cref="HostTransfer"/> places host values as they are and brings the tensors over in its one copy.
/// </summary>
internal readonly struct RowPart
{
    private RowPart(ArraySegment<double> host, Tensor? tensor)
    {
        Host = host;
        Tensor = tensor;
    }

    /// <summary>The values, when they are on the host (empty otherwise).</summary>
    public ArraySegment<double> Host { get; }

    /// <summary>The values as a 1-D float64 tensor, when they were computed by libtorch (not owned by the part).</summary>
    public Tensor? Tensor { get; }

    public static RowPart OnHost(double[] values) => new(values, null);

    public static RowPart OnHost(ArraySegment<double> values) => new(values, null);

    public static RowPart Of(Tensor values) => new(default, values);

    /// <summary>
    /// The part as a tensor, for callers that concatenate tensors themselves: host values become a CPU tensor of the
    /// current dispose scope.
    /// </summary>
    public Tensor ToTensor() => Tensor ?? tensor(Host.ToArray());
}
