namespace TrainWatch.Graph;

/// <summary>
/// One node of a model graph as the caller knows it: no protobuf, no TorchSharp. <see cref="GraphDefBuilder"/> turns a
/// list of them into the <c>GraphDef</c> TensorBoard's Graphs tab draws.
/// </summary>
/// <param name="Name">
/// Unique path of the node; <c>/</c> separates the scopes the Graphs tab nests (<c>features/0</c> sits inside a
/// collapsible <c>features</c> box).
/// </param>
/// <param name="Op">What the node is (a module's type name, <c>Conv2d</c>); shown as the node's operation.</param>
public sealed record GraphNode(string Name, string Op)
{
    /// <summary>Names of the nodes whose output feeds this node, in order.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Attributes shown in the node's info card, by key (<c>[a-z][a-z0-9_]*</c> after sanitizing).</summary>
    public IReadOnlyDictionary<string, GraphAttribute> Attributes { get; init; } = new Dictionary<string, GraphAttribute>();

    /// <summary>Shapes of the node's outputs, when known; the Graphs tab labels edges with them.</summary>
    public IReadOnlyList<long[]>? OutputShapes { get; init; }
}
