using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Recording;

/// <summary>
/// The tensors a module call returned, named: a single tensor is the module itself; the elements of a tuple are
/// <c>module/0</c>, <c>module/1</c>, …, or TorchSharp's names for its recurrent and attention layers
/// (<c>gru/output</c>, <c>gru/h_n</c>; <c>lstm/c_n</c>; <c>attention/attn_output</c>). Nested tuples are flattened
/// with their indices joined; nulls and non-tensors are left out.
/// </summary>
internal static class ModuleOutputs
{
    private static readonly Dictionary<string, string[]> KnownNames = new(StringComparer.Ordinal)
    {
        ["RNN"] = ["output", "h_n"],
        ["GRU"] = ["output", "h_n"],
        ["LSTM"] = ["output", "h_n", "c_n"],
        ["MultiheadAttention"] = ["attn_output", "attn_weights"],
    };

    /// <summary>The tensors in <paramref name="output"/> with their names (suffixes of the module's path).</summary>
    public static List<(string Suffix, Tensor Tensor)> Flatten(string moduleType, object? output)
    {
        var found = new List<(string, Tensor)>();
        Collect(output, "", found);
        if (found.Count == 1 && found[0].Item1.Length == 0)
        {
            return found;
        }

        // Named only when the layer's tuple is exactly the one TorchSharp documents, so a name never lies.
        if (KnownNames.TryGetValue(moduleType, out var names) && found.Count == names.Length)
        {
            return found.Select((f, i) => (names[i], f.Item2)).ToList();
        }

        return found;
    }

    /// <summary>The name of one output: the module path, or path/suffix for a tuple element.</summary>
    public static string Name(string modulePath, string suffix) =>
        suffix.Length == 0 ? modulePath : modulePath.Length == 0 ? suffix : $"{modulePath}/{suffix}";

    private static void Collect(object? value, string prefix, List<(string, Tensor)> found)
    {
        switch (value)
        {
            case Tensor { IsInvalid: false } tensor:
                found.Add((prefix, tensor));
                break;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++)
                {
                    Collect(tuple[i], prefix.Length == 0 ? $"{i}" : $"{prefix}/{i}", found);
                }

                break;
        }
    }
}
