namespace TrainWatch.Cli.Reading;

/// <summary>A model summary read back from its text.</summary>
/// <param name="Modules">The module calls in execution order.</param>
/// <param name="TotalParameters">Elements of all parameters.</param>
/// <param name="TrainableParameters">Elements of parameters that require gradients.</param>
/// <param name="FrozenParameters">Elements of the others.</param>
internal sealed record ModelSummary(IReadOnlyList<ModelSummaryModule> Modules, long TotalParameters, long TrainableParameters, long FrozenParameters);

/// <summary>One module call of a model summary.</summary>
/// <param name="Path">The module's path (empty for the model itself).</param>
/// <param name="Type">Its type.</param>
/// <param name="Outputs">Its output tensors.</param>
/// <param name="Parameters">Its own parameter count; null on a later call of a shared module.</param>
/// <param name="Trainable">"yes", "no (frozen)", "partly (N)", or empty without parameters.</param>
internal sealed record ModelSummaryModule(string Path, string Type, IReadOnlyList<ModelSummaryOutput> Outputs, long? Parameters, string Trainable);

/// <summary>One output tensor: its name in a tuple (empty for a single tensor) and its shape.</summary>
internal sealed record ModelSummaryOutput(string Name, long[] Shape);
