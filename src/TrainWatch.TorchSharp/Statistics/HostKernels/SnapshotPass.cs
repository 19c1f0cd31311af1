using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// The update ratio's work on the weights at a sample step, done by <see cref="HostRows"/> in the same chunks as the
/// weights' moments: while a chunk of a weight is in cache, ‖now − then‖ and ‖then‖ are summed against its snapshot
/// and the weight is written over the snapshot — or, when no snapshot was held, only copied. One read of each weight
/// from memory instead of two (the statistics pass, then the update pass or libtorch's copy).
/// </summary>
/// <remarks>
/// Made by <see cref="Sampling.UpdateRatioTracker"/>, which owns the snapshots; the pass runs only if every snapshot
/// is read in place and matches its weight's sampled element count and type (else <see cref="Done"/> stays false and the
/// tracker snapshots the usual way).
/// </remarks>
internal sealed class SnapshotPass(IReadOnlyList<Tensor> snapshots, IReadOnlyList<UpdateReads> reads, bool measures, long fromStep, long step)
{
    /// <summary>One snapshot per weight, in the weights' order: contiguous float32 or float64 CPU tensors.</summary>
    public IReadOnlyList<Tensor> Snapshots => snapshots;

    /// <summary>Per weight, the elements its snapshot holds (<see cref="UpdateSampling"/>; <see cref="UpdateReads.Every"/>: all of them).</summary>
    public IReadOnlyList<UpdateReads> Reads => reads;

    /// <summary>Whether the update since the snapshots is measured (a snapshot was held), or the weights only copied.</summary>
    public bool Measures => measures;

    /// <summary>The step the snapshots were taken at: the step whose update <see cref="Norms"/> describe.</summary>
    public long FromStep => fromStep;

    /// <summary>The sample step: what the snapshots hold once <see cref="Done"/>.</summary>
    public long Step => step;

    /// <summary>[‖now₀ − then₀‖, ‖then₀‖, ‖now₁ − then₁‖, …] when <see cref="Measures"/> and the pass ran.</summary>
    public double[]? Norms { get; private set; }

    /// <summary>Whether the pass ran: every snapshot now holds its weight.</summary>
    public bool Done { get; private set; }

    internal void Complete(double[]? norms)
    {
        Norms = norms;
        Done = true;
    }
}
