namespace TrainWatch.TorchSharp.History;

/// <summary>The tags of the history pictures (the kind first, as every watcher tag: TensorBoard groups by it).</summary>
public static class HistoryTags
{
    /// <summary>A module output's history: <c>activation_history/features.2</c>.</summary>
    public static string Activation(string module) => $"activation_history/{module}";

    /// <summary>A parameter gradient's history: <c>gradient_history/features.0.weight</c>.</summary>
    public static string Gradient(string parameter) => $"gradient_history/{parameter}";
}
