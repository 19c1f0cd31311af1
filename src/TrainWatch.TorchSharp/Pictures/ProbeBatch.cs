using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Pictures;

/// <summary>
/// The fixed inputs activation maps, saliency and Grad-CAM are shown for, kept for the whole run so pictures from
/// different steps compare like with like. Taken from the first batch the model sees, through a forward pre-hook on
/// the root module (removed once it has fired), or given by the user through <see cref="TrainWatcher.SetProbe"/>.
/// </summary>
/// <remarks>The probe tensors are detached from every dispose scope: this class owns and disposes them.</remarks>
internal sealed class ProbeBatch : IDisposable
{
    private readonly int _size;
    private Module<Tensor, Tensor>.HookRemover? _capture;
    private Tensor? _inputs;
    private Tensor? _labels;

    public ProbeBatch(Module model, int size)
    {
        _size = size;
        if (model is Module<Tensor, Tensor> root)
        {
            _capture = root.register_forward_pre_hook((_, input) =>
            {
                if (_inputs is null && input is not null && !input.IsInvalid && input.dim() >= 1)
                {
                    Keep(input, null);
                }

                return null!; // keep the input unchanged
            });
        }
    }

    /// <summary>The probe inputs (at most the probe size), or null while there is none.</summary>
    public Tensor? Inputs => _inputs;

    /// <summary>The labels given with <see cref="Replace"/>, if any.</summary>
    public Tensor? Labels => _labels;

    /// <summary>Whether a probe can appear without the user: the root module takes one tensor.</summary>
    public bool CapturesAutomatically => _capture is not null || _inputs is not null;

    /// <summary>Replaces the probe with the user's inputs (and labels); the automatic capture stops.</summary>
    public void Replace(Tensor inputs, Tensor? labels)
    {
        StopCapturing();
        Keep(inputs, labels);
    }

    /// <summary>Removes the capture hook once it has done its work (called outside any forward pass).</summary>
    public void StopCapturingIfDone()
    {
        if (_inputs is not null)
        {
            StopCapturing();
        }
    }

    public void Dispose()
    {
        StopCapturing();
        _inputs?.Dispose();
        _labels?.Dispose();
        _inputs = _labels = null;
    }

    private void Keep(Tensor inputs, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        long count = Math.Min(_size, inputs.shape[0]);
        var kept = inputs.detach().narrow(0, 0, count).clone();
        var keptLabels = labels?.detach().narrow(0, 0, Math.Min(count, labels.shape[0])).clone();
        _inputs?.Dispose();
        _labels?.Dispose();
        _inputs = kept.DetachFromDisposeScope();
        _labels = keptLabels?.DetachFromDisposeScope();
    }

    private void StopCapturing()
    {
        _capture?.remove();
        _capture = null;
    }
}
