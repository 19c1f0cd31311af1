using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features.Projector;

/// <summary>
/// The fixed inputs (and optional labels) whose features the projector shows at every projector step, so the points
/// move as the model learns. Owns its tensors: detached copies, outside every dispose scope.
/// </summary>
internal sealed class ProjectorProbe : IDisposable
{
    private ProjectorProbe(Tensor inputs, Tensor? labels)
    {
        Inputs = inputs;
        Labels = labels;
    }

    public Tensor Inputs { get; }

    public Tensor? Labels { get; }

    public long Count => Inputs.shape[0];

    /// <summary>Copies the first <paramref name="limit"/> rows of <paramref name="inputs"/> (and labels) to <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">No batch of rows, a label count that differs, or a device the inputs cannot be copied to.</exception>
    public static ProjectorProbe Copy(Tensor inputs, Tensor? labels, long limit, Device device)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() < 2)
        {
            throw new ArgumentException($"Probe inputs need a batch dimension and features; got shape [{string.Join(", ", inputs.shape)}].", nameof(inputs));
        }

        if (labels is not null && labels.shape[0] != inputs.shape[0])
        {
            throw new ArgumentException($"{labels.shape[0]} labels for {inputs.shape[0]} inputs.", nameof(labels));
        }

        long count = Math.Min(inputs.shape[0], limit);
        using var scope = NewDisposeScope();
        var inputCopy = ProbeRows.Copy(inputs, count, device);
        var labelCopy = labels?.detach().narrow(0, 0, count).clone(); // metadata: read on the host, wherever it is

        inputCopy.DetachFromDisposeScope();
        labelCopy?.DetachFromDisposeScope();
        return new ProjectorProbe(inputCopy, labelCopy);
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Labels?.Dispose();
    }
}
