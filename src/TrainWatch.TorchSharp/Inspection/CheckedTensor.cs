using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Inspection;

/// <summary>One parameter or buffer the model check reads, with what the rules must know about its place in the model.</summary>
/// <param name="Name">Its dotted name (<c>blocks.1.norm.weight</c>), as <c>named_parameters</c>/<c>named_buffers</c> give it.</param>
/// <param name="Values">The tensor itself, on its own device.</param>
/// <param name="IsBuffer">A buffer (running statistics, masks, tables) rather than a parameter.</param>
/// <param name="OwnerType">The type name of the module that holds it (<c>Linear</c>, <c>GroupNorm</c>, ...).</param>
/// <param name="FeedsReLU">The next module in its Sequential, past norms and dropout, is a ReLU (see <see cref="ModelTensors"/>).</param>
internal sealed record CheckedTensor(string Name, Tensor Values, bool IsBuffer, string OwnerType, bool FeedsReLU)
{
    /// <summary>The tensor's shape, read once.</summary>
    public long[] Shape { get; } = TensorSizes.Of(Values);

    /// <summary>Whether training changes it (a frozen constant kernel may legitimately be uniform).</summary>
    public bool Trains { get; } = !IsBuffer && Values.requires_grad;

    public ScalarType DType { get; } = Values.dtype;

    public int Rank => Shape.Length;

    public long Numel => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// Inputs per output unit as PyTorch's initialisers count them (<c>shape[1]</c> times the kernel's size); 0 below
    /// two dimensions.
    /// </summary>
    public long FanIn => Rank >= 2 && Shape[0] > 0 ? Numel / Shape[0] : 0;

    /// <summary>The parameter's own name within its module (<c>weight</c>, <c>bias</c>, <c>running_var</c>).</summary>
    public string LocalName => Name[(Name.LastIndexOf('.') + 1)..];
}
