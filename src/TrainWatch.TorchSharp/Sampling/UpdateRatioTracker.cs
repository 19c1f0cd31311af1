using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// Measures the update-to-weight ratio ‖Δw‖/‖w‖ of one optimizer step without an extra host copy: at a sample step
/// it keeps a device copy of each weight; at the next call it reduces ‖w_now − w_then‖ and ‖w_then‖ on the device and
/// parks the two numbers there until the next sample step's single host copy carries them. CPU weights are measured in
/// place by the host kernels (one pass over both copies instead of a difference, float64 copies and two reductions).
/// </summary>
internal sealed class UpdateRatioTracker(bool hostKernels = true) : IDisposable
{
    private List<Tensor>? _snapshot;
    private long _snapshotStep;
    private Tensor? _pending;
    private long _pendingStep;

    /// <summary>Whether the next call must measure the update since the snapshot.</summary>
    public bool AwaitingUpdate => _snapshot is not null;

    /// <summary>The step whose update the parked norms describe, if any.</summary>
    public long? PendingStep => _pending is null ? null : _pendingStep;

    /// <summary>Keeps a device copy of the weights as they are at <paramref name="step"/>.</summary>
    public void Snapshot(IReadOnlyList<Parameter> parameters, long step)
    {
        DropSnapshot();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        _snapshot = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToList();
        _snapshotStep = step;
    }

    /// <summary>Reduces the update since the snapshot to 2 numbers per parameter (‖Δw‖, ‖w‖), kept on the device.</summary>
    public void MeasureUpdate(IReadOnlyList<Parameter> parameters)
    {
        if (_snapshot is null)
        {
            return;
        }

        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var norms = hostKernels && parameters.All(p => Statistics.HostKernels.HostView.Applies(p))
                ? tensor(Statistics.HostKernels.HostUpdateNorms.Compute(parameters.ToList(), _snapshot))
                : DeviceNorms(parameters, _snapshot);

            // Parked until the next sample step, past this scope and any of the caller's.
            _pending?.Dispose();
            _pending = norms.DetachFromDisposeScope();
            _pendingStep = _snapshotStep;
        }

        DropSnapshot();
    }

    private static Tensor DeviceNorms(IReadOnlyList<Parameter> parameters, List<Tensor> snapshot)
    {
        var norms = new List<Tensor>(parameters.Count * 2);
        for (int i = 0; i < parameters.Count; i++)
        {
            var before = snapshot[i];
            norms.Add(parameters[i].detach().sub(before).to(ScalarType.Float64).norm());
            norms.Add(before.to(ScalarType.Float64).norm());
        }

        return stack(norms);
    }

    /// <summary>Hands over the parked norms (the caller packs and disposes them).</summary>
    public Tensor? TakePending()
    {
        var pending = _pending;
        _pending = null;
        return pending;
    }

    public void Dispose()
    {
        DropSnapshot();
        _pending?.Dispose();
        _pending = null;
    }

    private void DropSnapshot()
    {
        if (_snapshot is null)
        {
            return;
        }

        foreach (var t in _snapshot)
        {
            t.Dispose();
        }

        _snapshot = null;
    }
}
