using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Recording;

/// <summary>One module call recorded during a sampled forward pass.</summary>
/// <param name="Path">The module's path (<c>blocks.1.fc</c>); the model itself is <c>""</c>.</param>
/// <param name="Module">The module.</param>
/// <param name="OutputShapes">The shape of each tensor the call returned, in the order of <see cref="ModuleOutputs.Flatten"/>.</param>
/// <param name="IsLeaf">Whether the module has no children.</param>
internal sealed record ModuleCall(string Path, Module Module, IReadOnlyList<long[]> OutputShapes, bool IsLeaf)
{
    /// <summary>The module's type name (<c>Conv2d</c>, a user's class).</summary>
    public string TypeName => Module.GetType().Name;
}
