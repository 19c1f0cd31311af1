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
    // Index paths of the tuples TorchSharp documents, by layer type: LSTM's (output, (h_n, c_n)) flattens to 0, 1/0, 1/1.
    private static readonly Dictionary<string, Dictionary<string, string>> s_knownNames = new(StringComparer.Ordinal)
    {
        ["RNN"] = new() { ["0"] = "output", ["1"] = "h_n" },
        ["GRU"] = new() { ["0"] = "output", ["1"] = "h_n" },
        ["LSTM"] = new() { ["0"] = "output", ["1/0"] = "h_n", ["1/1"] = "c_n" },
        ["MultiheadAttention"] = new() { ["0"] = "attn_output", ["1"] = "attn_weights" },
    };

    /// <summary>The tensors in <paramref name="output"/> with their names (suffixes of the module's path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<(string Suffix, Tensor Tensor)> Flatten(string moduleType, object? output)
    {
        var found = new List<(string Suffix, Tensor Tensor)>();
        Collect(output, "", found);
        if (s_knownNames.TryGetValue(moduleType, out var names))
        {
            return found.Select(f => (names.GetValueOrDefault(f.Suffix, f.Suffix), f.Tensor)).ToList();
        }

        return found;
    }

    /// <summary>The name of one output: the module path, or path/suffix for a tuple element.</summary>
    public static string Name(string modulePath, string suffix) =>
        suffix.Length == 0 ? modulePath : modulePath.Length == 0 ? suffix : $"{modulePath}/{suffix}";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Collect(object? value, string prefix, List<(string Suffix, Tensor Tensor)> found)
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
