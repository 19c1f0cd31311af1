using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Recording;

/// <summary>One module call recorded during a sampled forward pass.</summary>
/// <param name="Path">The module's path (<c>blocks.1.fc</c>); the model itself is <c>""</c>.</param>
/// <param name="Module">The module.</param>
/// <param name="OutputShapes">The shape of each tensor the call returned, in the order of <see cref="ModuleOutputs.Flatten"/>.</param>
/// <param name="IsLeaf">Whether the module has no children.</param>
internal sealed record ModuleCall(string Path, Module Module, IReadOnlyList<long[]> OutputShapes, bool IsLeaf)
{
    /// <summary>
    /// The name of each output, as <see cref="ModuleOutputs.Flatten"/> gives it: empty for a single tensor, <c>output</c>,
    /// <c>h_n</c>, <c>0</c>, <c>1</c>, … for tuple elements. Empty when not recorded.
    /// </summary>
    public IReadOnlyList<string> OutputSuffixes { get; init; } = [];

    /// <summary>The module's type name (<c>Conv2d</c>, a user's class).</summary>
    public string TypeName => Module.GetType().Name;
}
