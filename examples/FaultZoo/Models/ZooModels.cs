namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>The zoo's architectures by name.</summary>
public static class ZooModels
{
    /// <summary>Every architecture's name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp-blocks", "residual-cnn", "unet", "gru", "attention", "sigmoid-mlp"];

    /// <summary>A new model of the named architecture.</summary>
    /// <exception cref="ArgumentException">No architecture has that name.</exception>
    public static ZooModel Create(string name) => name switch
    {
        "mlp-blocks" => new CustomBlocksMlp(),
        "residual-cnn" => new ResidualCnn(),
        "unet" => new TinyUNet(),
        "gru" => new GruClassifier(),
        "attention" => new AttentionClassifier(),
        "sigmoid-mlp" => new SigmoidMlp(),
        _ => throw new ArgumentException($"No model '{name}'; the zoo has {string.Join(", ", Names)}.", nameof(name)),
    };
}
