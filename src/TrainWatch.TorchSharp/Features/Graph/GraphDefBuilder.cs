using System.Text;
using TrainWatch.Protos;

namespace TrainWatch.Graph;

/// <summary>
/// Turns plain node descriptions into a TensorBoard <see cref="GraphDef"/>. Pure: nodes in, protobuf out. Names are
/// made legal for TensorFlow (<c>[A-Za-z0-9.][A-Za-z0-9_&gt;./]*</c>) and attribute keys for the Graphs tab
/// (<c>[a-z][a-z0-9_]*</c>), because the tab silently drops what does not match.
/// </summary>
public static class GraphDefBuilder
{
    /// <summary>The attribute key TensorBoard reads the output shapes from, to label edges.</summary>
    public const string OutputShapesKey = "_output_shapes";

    // Why 21: the GraphDef producer version of TensorFlow 1.x-era graphs, which every TensorBoard reads; the Graphs tab
    // does not check it, but a zero producer looks like a corrupt graph to other readers.
    private const int Producer = 21;

    /// <summary>Builds the graph.</summary>
    /// <exception cref="ArgumentException">Two nodes have the same (sanitized) name, or an input names no node.</exception>
    public static GraphDef Build(IEnumerable<GraphNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var list = nodes.ToList();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in list)
        {
            string name = SanitizeName(node.Name);
            if (names.ContainsValue(name) || !names.TryAdd(node.Name, name))
            {
                throw new ArgumentException($"Two graph nodes are named '{name}'.", nameof(nodes));
            }
        }

        var graph = new GraphDef { Versions = new VersionDef { Producer = Producer } };
        foreach (var node in list)
        {
            var def = new NodeDef { Name = names[node.Name], Op = string.IsNullOrEmpty(node.Op) ? "Unknown" : node.Op };
            foreach (string input in node.Inputs)
            {
                def.Input.Add(names.TryGetValue(input, out var inputName)
                    ? inputName
                    : throw new ArgumentException($"Graph node '{node.Name}' has input '{input}', which is not a node.", nameof(nodes)));
            }

            foreach (var (key, value) in node.Attributes)
            {
                def.Attr[SanitizeKey(key)] = value.ToAttrValue();
            }

            if (node.OutputShapes is { Count: > 0 } shapes)
            {
                def.Attr[OutputShapesKey] = GraphAttribute.Shapes(shapes).ToAttrValue();
            }

            graph.Node.Add(def);
        }

        return graph;
    }

    /// <summary>A node name TensorFlow accepts: illegal characters become <c>_</c>, empty scopes are dropped.</summary>
    public static string SanitizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var scopes = name.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(scope => new string(scope.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '>' ? c : '_').ToArray()));
        string result = string.Join('/', scopes);
        if (result.Length == 0)
        {
            return "node";
        }

        // The first character may not be '_' or '>'.
        return result[0] is '_' or '>' ? "n" + result : result;
    }

    /// <summary>An attribute key the Graphs tab shows: lower case letters, digits and <c>_</c>, starting with a letter.</summary>
    public static string SanitizeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key == OutputShapesKey)
        {
            return key;
        }

        var builder = new StringBuilder(key.Length);
        foreach (char c in key.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '_');
        }

        if (builder.Length == 0 || !char.IsAsciiLetterLower(builder[0]))
        {
            builder.Insert(0, 'a');
        }

        return builder.ToString();
    }
}
