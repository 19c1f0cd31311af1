using TrainWatch.Graph;
using TrainWatch.TorchSharp.Recording;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.Graph;

/// <summary>
/// Describes a TorchSharp module tree as graph nodes for <see cref="GraphDefBuilder"/>: one node per leaf module, named
/// by its path with <c>/</c> separators so the Graphs tab nests containers as boxes (<c>features/0</c> inside
/// <c>features</c>), its op the module's type, its attributes the shapes and counts of its own parameters.
/// </summary>
/// <remarks>
/// Edges come from a <see cref="ForwardRecording"/>: each leaf call is connected to the call before it, the first to an
/// <c>input</c> node. That is exact for a chain of layers; branches, skip connections and functional operations
/// between modules (additions, concatenations, <c>torch.flatten</c>) are invisible to module hooks and appear as the
/// order the modules ran in. Without a trace the nodes have no edges.
/// </remarks>
internal static class ModuleGraph
{
    /// <summary>The name of the node standing for the model's input.</summary>
    public const string InputNode = "input";

    /// <summary>The nodes of <paramref name="model"/>, in the model's order.</summary>
    public static List<GraphNode> Describe(Module model, ForwardRecording? trace)
    {
        var modules = model.named_modules().ToList();
        var nodes = new List<(string Path, GraphNode Node)>();
        foreach (var (path, module) in modules)
        {
            bool leaf = !module.children().Any();
            if (leaf)
            {
                nodes.Add((path, Node(ToNodeName(path), module)));
            }
            else if (module.named_parameters(recurse: false).Any())
            {
                // A container's own parameters (not its children's) get a node inside its box, so no weight is missing.
                nodes.Add((path, Node($"{ToNodeName(path)}/own_parameters", module)));
            }
        }

        if (!modules.Any() || model.named_parameters(recurse: false).Any())
        {
            nodes.Insert(0, ("", Node(model.GetType().Name, model)));
        }

        var leafCalls = trace?.Calls.Where(c => c.IsLeaf).Select(c => c.Path).ToList() ?? [];
        if (trace is null || leafCalls.Count == 0)
        {
            return nodes.Select(n => n.Node).ToList();
        }

        // Why the fallback: a module may itself be called "input".
        string inputNode = nodes.Any(n => n.Node.Name == InputNode) ? $"model_{InputNode}" : InputNode;
        var nodeNames = nodes.ToDictionary(n => n.Path, n => n.Node.Name, StringComparer.Ordinal);
        var inputs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string previous = inputNode;
        foreach (string call in leafCalls)
        {
            string name = nodeNames.GetValueOrDefault(call) ?? ToNodeName(call);
            var list = inputs.TryGetValue(name, out var existing) ? existing : inputs[name] = [];
            if (previous != name && !list.Contains(previous))
            {
                list.Add(previous);
            }

            previous = name;
        }

        var result = new List<GraphNode>
        {
            new(inputNode, "Input") { OutputShapes = trace.InputShape is { } shape ? [shape] : null },
        };
        foreach (var (path, node) in nodes)
        {
            result.Add(node with
            {
                Inputs = inputs.GetValueOrDefault(node.Name) ?? [],
                OutputShapes = trace.OutputShape(path) is { } output ? [output] : null,
            });
        }

        return result;
    }

    /// <summary><c>features.0</c> → <c>features/0</c>: the Graphs tab nests on <c>/</c>.</summary>
    public static string ToNodeName(string modulePath) => modulePath.Replace('.', '/');

    private static GraphNode Node(string name, Module module)
    {
        var attributes = new Dictionary<string, GraphAttribute>(StringComparer.Ordinal);
        long count = 0;
        long trainable = 0;
        foreach (var (parameterName, parameter) in module.named_parameters(recurse: false))
        {
            attributes[$"{parameterName}_shape"] = GraphAttribute.Shape(parameter.shape);
            count += parameter.numel();
            trainable += parameter.requires_grad ? parameter.numel() : 0;
        }

        attributes["parameters"] = GraphAttribute.Int(count);
        attributes["trainable_parameters"] = GraphAttribute.Int(trainable);
        return new GraphNode(name, module.GetType().Name) { Attributes = attributes };
    }
}
