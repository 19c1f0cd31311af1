namespace TrainWatch.TorchSharp.Features.ModelSummaries;

/// <summary>One module call of the model summary.</summary>
/// <param name="Path">The module's path (<c>encoder.gru</c>); empty for the model itself.</param>
/// <param name="Type">Its type name (<c>GRU</c>, a user's class).</param>
/// <param name="Outputs">Each output tensor's name (empty for a single tensor; <c>output</c>, <c>h_n</c>, … for tuples) and shape.</param>
/// <param name="Parameters">Its own parameters' element count; null on a later call of a module already listed (counted once).</param>
/// <param name="Trainable">Its own parameters that require gradients (element count; null as <paramref name="Parameters"/>).</param>
internal sealed record ModelSummaryRow(string Path, string Type, IReadOnlyList<(string Name, long[] Shape)> Outputs, long? Parameters, long? Trainable);
