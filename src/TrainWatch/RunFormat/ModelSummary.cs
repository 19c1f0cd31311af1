namespace TrainWatch.RunFormat;

/// <summary>A model summary: every measured module call of one training forward pass, and the parameter totals.</summary>
/// <param name="Modules">The module calls in execution order.</param>
/// <param name="TotalParameters">Elements of all parameters (each counted once).</param>
/// <param name="TrainableParameters">Elements of parameters that require gradients.</param>
/// <param name="FrozenParameters">Elements of the others.</param>
public sealed record ModelSummary(IReadOnlyList<ModelSummaryModule> Modules, long TotalParameters, long TrainableParameters, long FrozenParameters)
{
    /// <summary>The model's input shape, when known; the text then names it and <see cref="Step"/>. Not read back.</summary>
    public IReadOnlyList<long>? InputShape { get; init; }

    /// <summary>The step whose forward pass was recorded (written with <see cref="InputShape"/>). Not read back.</summary>
    public long Step { get; init; }

    /// <summary>Modules with parameters that did not run in the recorded pass. Not read back.</summary>
    public IReadOnlyList<ModelSummaryUnusedModule> NotCalled { get; init; } = [];
}

/// <summary>One module call of a model summary.</summary>
/// <param name="Path">The module's path (empty for the model itself).</param>
/// <param name="Type">Its type name.</param>
/// <param name="Outputs">Its output tensors.</param>
/// <param name="Parameters">Its own parameter count; null on a later call of a shared module.</param>
/// <param name="Trainable">"yes", "no (frozen)", "partly (N)", or empty without parameters (<see cref="TrainableText"/>).</param>
public sealed record ModelSummaryModule(string Path, string Type, IReadOnlyList<ModelSummaryOutput> Outputs, long? Parameters, string Trainable)
{
    /// <summary>The trainable column for a module with <paramref name="parameters"/> elements of which <paramref name="trainable"/> require gradients.</summary>
    public static string TrainableText(long? parameters, long? trainable) => (parameters, trainable) switch
    {
        (null or 0, _) => "",
        _ when trainable == parameters => "yes",
        (_, 0) => "no (frozen)",
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"partly ({trainable:N0})"),
    };
}

/// <summary>One output tensor: its name in a tuple (empty for a single tensor) and its shape.</summary>
/// <param name="Name">Its name (<c>output</c>, <c>h_n</c>, …), empty for a single tensor.</param>
/// <param name="Shape">Its shape.</param>
public sealed record ModelSummaryOutput(string Name, IReadOnlyList<long> Shape);

/// <summary>A module with parameters that did not run in the recorded forward pass.</summary>
/// <param name="Path">The module's path.</param>
/// <param name="Parameters">Its own parameter count.</param>
public sealed record ModelSummaryUnusedModule(string Path, long Parameters);
