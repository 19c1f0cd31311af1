using TrainWatch.TorchSharp.Recording;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// The fixed inputs activation maps, saliency and Grad-CAM are shown for, kept for the whole run so pictures from
/// different steps compare like with like. Taken from the first batch the model sees, through a forward pre-hook on
/// the root module (removed once it has fired), or given by the user through <see cref="TrainWatcher.SetProbe"/>.
/// </summary>
/// <remarks>The probe tensors are detached from every dispose scope: this class owns and disposes them.</remarks>
internal sealed class ProbeBatch : IDisposable
{
    private readonly HookFailures _failures;
    private readonly int _size;
    private readonly Module _model;
    private Module<Tensor, Tensor>.HookRemover? _capture;
    private Tensor? _inputs;
    private Tensor? _labels;

    public ProbeBatch(Module model, int size, HookFailures failures)
    {
        _failures = failures;
        _size = size;
        _model = model;
        StartCapturing();
    }

    /// <summary>The probe inputs (at most the probe size), or null while there is none.</summary>
    public Tensor? Inputs => _inputs;

    /// <summary>The labels given with <see cref="Replace"/>, if any.</summary>
    public Tensor? Labels => _labels;

    /// <summary>Whether a probe can appear without the user: the root module takes one tensor.</summary>
    public bool CapturesAutomatically => _capture is not null || _inputs is not null;

    /// <summary>Whether the probe came from <see cref="Replace"/> rather than from a training batch.</summary>
    public bool IsUserProbe { get; private set; }

    /// <summary>
    /// Replaces the probe with the user's inputs (and labels), moved to the model's device; the automatic capture stops.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs cannot be copied to the model's device (the meta device, say).</exception>
    public void Replace(Tensor inputs, Tensor? labels)
    {
        Keep(inputs, labels, ProbeRows.ModelDevice(_model, inputs.device));
        StopCapturing();
        IsUserProbe = true;
    }

    /// <summary>Forgets the probe (the model could not run it) and takes the next training batch instead.</summary>
    public void Reset()
    {
        _inputs?.Dispose();
        _labels?.Dispose();
        _inputs = _labels = null;
        IsUserProbe = false;
        StartCapturing();
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

    private void StartCapturing()
    {
        if (_capture is not null || _model is not Module<Tensor, Tensor> root)
        {
            return;
        }

        _capture = root.register_forward_pre_hook((_, input) =>
        {
            try
            {
                if (_inputs is null && input is not null && !input.IsInvalid && input.dim() >= 1 && input.shape[0] >= 1)
                {
                    Keep(input, null, input.device);
                }
            }
            catch (Exception e)
            {
                _failures.Record(e);
                // The hook runs inside the user's forward pass and must never fail it; no probe means no probe pictures,
                // which the picture step reports.
            }

            return null!; // keep the input unchanged
        });
    }

    private void Keep(Tensor inputs, Tensor? labels, Device device)
    {
        using var scope = NewDisposeScope();
        long count = Math.Min(_size, inputs.shape[0]);
        var kept = ProbeRows.Copy(inputs, count, device);
        var keptLabels = labels is null ? null : ProbeRows.Copy(labels, Math.Min(count, labels.shape[0]), device);
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
