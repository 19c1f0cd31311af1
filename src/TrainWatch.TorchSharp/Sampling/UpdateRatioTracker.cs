using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using TorchSharp;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// Measures the update-to-weight ratio ‖Δw‖/‖w‖ of one optimizer step without an extra host copy: at a sample step
/// it copies each weight into a snapshot buffer; at the next call it reduces ‖w_now − w_then‖ and ‖w_then‖ on the
/// device and parks the two numbers there until the next sample step's single host copy carries them. CPU weights are
/// measured in place by the host kernels (one pass over both copies instead of a difference, float64 copies and two
/// reductions); at a sample step that work rides in the weights' statistics pass, which also writes the next snapshot
/// (<see cref="BeginSnapshotPass"/>).
/// </summary>
/// <remarks>
/// <para>Memory: the buffers hold a copy of every watched weight's measured elements for as long as the watcher lives
/// (allocated at the first sample, re-allocated only when a weight changes shape, dtype or device, disposed with the
/// watcher), so that a sample step allocates no weight-sized tensor. Above the sample limit a weight's measured
/// elements are short runs a period apart (<see cref="UpdateSampling"/>), so the copy is at most about the limit per weight, not
/// the model again; its two norms are then those of the sample, and their ratio is the estimate. On the host path a
/// half-precision weight's copy is float32, the form the kernels read.</para>
/// <para>Each buffer is flat: the weight's measured elements in order. No option turns update ratios off alone;
/// <see cref="WatchOptions.ParameterFilter"/> leaves a weight out of the watch (and of this copy).</para>
/// </remarks>
/// <param name="hostKernels">Whether CPU weights are measured by the host kernels.</param>
/// <param name="sampleLimit">Elements measured of each weight at most (<see cref="UpdateSampling"/>); 0 measures all.</param>
internal sealed class UpdateRatioTracker(bool hostKernels = true, long sampleLimit = 0) : IDisposable
{
    private Tensor[] _buffers = [];
    private UpdateReads[] _reads = []; // per buffer: which of the weight's elements it holds
    private bool _holding;
    private bool _hostForm; // every buffer is in the form the host kernels read in place
    private long _snapshotStep;
    // The parked norms: a host array when the host kernels measured them (making a tensor of it cost about as much as
    // measuring a small model's update, ~20 µs of TorchSharp's array pinning), else a float64 tensor on the device.
    private RowPart? _pending;
    private long _pendingStep;

    /// <summary>Whether the next call must measure the update since the snapshot.</summary>
    public bool AwaitingUpdate => _holding;

    /// <summary>Snapshot buffers allocated so far (one per weight, unless weights change shape, dtype or device).</summary>
    public int BufferAllocations { get; private set; }

    /// <summary>Elements the snapshot buffers hold in all (test hook: a sampled weight's buffer holds its sample only).</summary>
    internal long BufferedElements => _buffers.Sum(b => b?.numel() ?? 0);

    /// <summary>The step whose update the parked norms describe, if any.</summary>
    public long? PendingStep => _pending is null ? null : _pendingStep;

    /// <summary>Copies the weights as they are at <paramref name="step"/> into the snapshot buffers.</summary>
    public void Snapshot(IReadOnlyList<Parameter> parameters, long step)
    {
        _holding = false;
        using (no_grad())
        {
            bool host = OnHost(parameters);
            Size(parameters.Count);
            _hostForm = false;
            for (int i = 0; i < parameters.Count; i++)
            {
                using var scope = NewDisposeScope();
                var buffer = Fit(i, parameters[i], host);
                buffer.copy_(Measured(parameters[i], _reads[i]));
            }

            _hostForm = host;
        }

        _holding = true;
        _snapshotStep = step;
    }

    /// <summary>Reduces the update since the snapshot to 2 numbers per parameter (‖Δw‖, ‖w‖), kept on the device.</summary>
    public void MeasureUpdate(IReadOnlyList<Parameter> parameters)
    {
        if (_holding)
        {
            Measure(parameters, keepAt: null);
        }
    }

    /// <summary>
    /// Measures the update since the snapshot, if one is held, and snapshots the weights as they are at
    /// <paramref name="step"/>: on the host path in one pass over the weights.
    /// </summary>
    public void MeasureAndSnapshot(IReadOnlyList<Parameter> parameters, long step)
    {
        if (_holding)
        {
            Measure(parameters, step);
        }
        else
        {
            Snapshot(parameters, step);
        }
    }

    /// <summary>
    /// The sample step's snapshot work for the statistics pass to run (<see cref="SnapshotPass"/>): measuring the update
    /// since the held snapshot and snapshotting, or only snapshotting; null when the host kernels cannot take it (not
    /// every weight is on the CPU, or there are no host-form buffers yet), and then <see cref="MeasureAndSnapshot"/> is
    /// the way. Follow it with <see cref="EndSnapshotPass"/>, whether or not the pass ran.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SnapshotPass? BeginSnapshotPass(IReadOnlyList<Parameter> parameters, long step)
    {
        if (!_hostForm || _buffers.Length != parameters.Count || !OnHost(parameters))
        {
            return null;
        }

        // Cleared first: the buffers are written during the pass, and a pass that fails half way must not leave them
        // to be measured against. A parked measurement is superseded by this one (as in Measure).
        bool measures = _holding;
        _holding = false;
        if (measures)
        {
            DropPending();
        }

        return new SnapshotPass(_buffers, _reads, measures, _snapshotStep, step);
    }

    /// <summary>
    /// After the statistics pass: the snapshots it wrote are held from its step on; a pass that did not run (a weight
    /// changed shape or dtype since its buffer was made) snapshots the usual way, and its update is not measured.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EndSnapshotPass(SnapshotPass pass, IReadOnlyList<Parameter> parameters)
    {
        if (pass.Done)
        {
            _holding = true;
            _snapshotStep = pass.Step;
            FusedPasses++;
            return;
        }

        Snapshot(parameters, pass.Step);
    }

    /// <summary>Snapshot passes run inside the statistics pass (test hook: the fused path was taken).</summary>
    public int FusedPasses { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Measure(IReadOnlyList<Parameter> parameters, long? keepAt)
    {
        // Cleared first: should anything below fail, the half-written buffers are never measured against.
        _holding = false;
        bool host = OnHost(parameters);
        RowPart? norms = null;
        using (no_grad())
        using (NewDisposeScope())
        {
            // The host kernels check sizes and dtypes as they read the weights: no shape is asked of libtorch here.
            if (host)
            {
                if (_hostForm && _buffers.Length == parameters.Count && HostUpdateNorms.Compute(parameters, _buffers, _reads) is { } host64)
                {
                    norms = RowPart.OnHost(host64);
                }
            }
            else if (AllFit(parameters, host))
            {
                var deviceNorms = DeviceNorms(parameters, _buffers, _reads);
                if (keepAt is not null)
                {
                    // Queued after the norms' reads on the device's stream.
                    for (int i = 0; i < parameters.Count; i++)
                    {
                        _buffers[i].copy_(Measured(parameters[i], _reads[i]));
                    }
                }

                // Parked until the next sample step, past this scope and any of the caller's.
                norms = RowPart.Of(deviceNorms.DetachFromDisposeScope());
            }

            if (norms is { } parked)
            {
                DropPending();
                _pending = parked;
                _pendingStep = _snapshotStep;
            }
        }

        // Without norms a weight changed shape, dtype or device since the snapshot: this update cannot be measured. On
        // the host the next snapshot is then a copy of its own (the watcher's sample steps take BeginSnapshotPass).
        if (keepAt is { } next && (norms is null || host))
        {
            Snapshot(parameters, next);
        }
        else if (norms is not null && keepAt is { } step)
        {
            _holding = true;
            _snapshotStep = step;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool OnHost(IReadOnlyList<Parameter> parameters)
    {
        if (!hostKernels)
        {
            return false;
        }

        foreach (var p in parameters)
        {
            if (!HostView.Applies(p))
            {
                return false;
            }
        }

        return true;
    }

    private static Tensor DeviceNorms(IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor> snapshot, IReadOnlyList<UpdateReads> reads)
    {
        var norms = new List<Tensor>(parameters.Count * 2);
        for (int i = 0; i < parameters.Count; i++)
        {
            var before = snapshot[i];
            norms.Add(Measured(parameters[i], reads[i]).sub(before).to(ScalarType.Float64).norm());
            norms.Add(before.to(ScalarType.Float64).norm());
        }

        return stack(norms);
    }

    // The weight's measured elements, flat: all of them or every stride-th as a view (a copy only for a weight that is
    // not contiguous), runs as the whole periods' [periods, run] view and the last, shorter period's run after them.
    // Device ops, so a device keeps its asynchronous path: nothing here waits for the device.
    private static Tensor Measured(Parameter p, UpdateReads reads)
    {
        var flat = p.reshape(-1);
        long count = flat.size(0);
        if (reads.Run == 1)
        {
            return reads.IsEvery ? flat : flat.slice(0, 0, count, reads.Stride);
        }

        long periods = count / reads.Period;
        long last = Math.Min(reads.Run, count % reads.Period);
        var runs = flat.narrow(0, 0, periods * reads.Period).view(periods, reads.Period).narrow(1, 0, reads.Run).reshape(-1);
        return last == 0 ? runs : cat([runs, flat.narrow(0, periods * reads.Period, last)]);
    }

    // The host kernels read float32 or float64 in place; the device path keeps the weight's own dtype (a difference
    // of half-precision weights is taken in half precision there, as the weights themselves are updated).
    private static ScalarType BufferType(Parameter p, bool host) =>
        !host ? p.dtype : p.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

    private bool AllFit(IReadOnlyList<Parameter> parameters, bool host)
    {
        if (_buffers.Length != parameters.Count)
        {
            return false;
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            var shape = TensorSizes.Of(parameters[i]);
            if (UpdateSampling.For(shape, sampleLimit) != _reads[i] || !Fits(_buffers[i], parameters[i], host, shape, _reads[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Fits(Tensor? buffer, Parameter p, bool host, long[] shape, UpdateReads reads) =>
        buffer is not null && buffer.dtype == BufferType(p, host) && buffer.device_type == p.device_type
        && buffer.device_index == p.device_index && buffer.dim() == 1 && reads.Matches(DeviceStatistics.Numel(shape), buffer.size(0));

    // The buffer for weight i (and which elements it holds, in _reads), allocated when there is none or the weight no longer fits
    // it. Outside any dispose scope: it lives as long as the tracker.
    private Tensor Fit(int i, Parameter p, bool host)
    {
        var shape = TensorSizes.Of(p);
        var reads = UpdateSampling.For(shape, sampleLimit);
        if (Fits(_buffers[i], p, host, shape, reads))
        {
            _reads[i] = reads;
            return _buffers[i];
        }

        _buffers[i]?.Dispose();
        _buffers[i] = null!; // until the new one exists: a failed allocation must not leave a disposed buffer here
        using var scope = NewDisposeScope();
        var buffer = empty([reads.Counted(DeviceStatistics.Numel(shape))], BufferType(p, host), p.device).DetachFromDisposeScope();
        _buffers[i] = buffer;
        _reads[i] = reads;
        BufferAllocations++;
        return buffer;
    }

    // One buffer per weight: the list of weights is fixed at attach, so this resizes only once.
    private void Size(int count)
    {
        if (_buffers.Length == count)
        {
            return;
        }

        foreach (var buffer in _buffers)
        {
            buffer?.Dispose();
        }

        _buffers = new Tensor[count]; // filled by Fit
        _reads = new UpdateReads[count];
    }

    /// <summary>
    /// Hands over the parked norms (weight by weight: ‖update‖, ‖weight‖) as a part of the sample's packed vector; the
    /// caller packs them and disposes the part's tensor, if it has one.
    /// </summary>
    public RowPart? TakePendingPart()
    {
        var pending = _pending;
        _pending = null;
        return pending;
    }

    private void DropPending()
    {
        _pending?.Tensor?.Dispose();
        _pending = null;
    }

    public void Dispose()
    {
        _holding = false;
        _hostForm = false;
        foreach (var buffer in _buffers)
        {
            buffer?.Dispose();
        }

        _buffers = [];
        _reads = [];
        DropPending();
    }
}
