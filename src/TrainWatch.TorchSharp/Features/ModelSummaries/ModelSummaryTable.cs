using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Recording;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.ModelSummaries;

/// <summary>
/// The model summary (as torchinfo's or Keras' <c>model.summary()</c>): every measured module call of the recorded
/// training forward pass in execution order — leaf modules and modules with parameters of their own, the ones whose
/// outputs the watcher measures — with output shapes from that real pass and parameter counts, plus the totals.
/// </summary>
/// <param name="Step">The step whose forward pass was recorded.</param>
/// <param name="InputShape">The model's input shape, when known.</param>
/// <param name="Rows">One row per module call, in the order the calls finished.</param>
/// <param name="TotalParameters">Elements of every parameter of the model (each counted once).</param>
/// <param name="TrainableParameters">Elements of those that require gradients.</param>
/// <param name="NotCalled">Modules with parameters that did not run in the recorded pass, with their parameter counts.</param>
internal sealed record ModelSummaryTable(long Step, long[]? InputShape, IReadOnlyList<ModelSummaryRow> Rows, long TotalParameters, long TrainableParameters, IReadOnlyList<(string Path, long Parameters)> NotCalled)
{
    /// <summary>Elements of parameters that do not require gradients.</summary>
    public long FrozenParameters => TotalParameters - TrainableParameters;

    /// <summary>The table in the run format's terms, for <see cref="ModelSummaryText.Format"/>.</summary>
    public ModelSummary ToSummary() =>
        new(
            Rows.Select(r => new ModelSummaryModule(
                r.Path, r.Type, r.Outputs.Select(o => new ModelSummaryOutput(o.Name, o.Shape)).ToList(), r.Parameters, ModelSummaryModule.TrainableText(r.Parameters, r.Trainable))).ToList(),
            TotalParameters,
            TrainableParameters,
            FrozenParameters)
        {
            InputShape = InputShape,
            Step = Step,
            NotCalled = NotCalled.Select(m => new ModelSummaryUnusedModule(m.Path, m.Parameters)).ToList(),
        };

    /// <summary>Builds the table. Reads only metadata (shapes, flags): no tensor data, no device work.</summary>
    public static ModelSummaryTable From(Module model, ForwardRecording recording)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<ModelSummaryRow>();
        foreach (var call in recording.Calls)
        {
            var own = call.Module.named_parameters(recurse: false).Select(p => p.parameter).ToList();
            if (!call.IsLeaf && own.Count == 0)
            {
                continue; // a container: its children's rows say what it does
            }

            var outputs = call.OutputShapes.Select((shape, i) => (i < call.OutputSuffixes.Count ? call.OutputSuffixes[i] : "", shape)).ToList();
            bool first = listed.Add(call.Path);
            rows.Add(new ModelSummaryRow(
                call.Path,
                call.TypeName,
                outputs,
                first ? own.Sum(p => p.numel()) : null,
                first ? own.Where(p => p.requires_grad).Sum(p => p.numel()) : null));
        }

        // Each parameter once, even when a module is shared: the totals must match model.parameters().
        var parameters = model.parameters().ToList();
        var notCalled = model.named_modules()
            .Where(m => !listed.Contains(m.name))
            .Select(m => (m.name, m.module.named_parameters(recurse: false).Sum(p => p.parameter.numel())))
            .Where(m => m.Item2 > 0)
            .ToList();
        return new ModelSummaryTable(
            recording.Step,
            recording.InputShape,
            rows,
            parameters.Sum(p => p.numel()),
            parameters.Where(p => p.requires_grad).Sum(p => p.numel()),
            notCalled);
    }
}
