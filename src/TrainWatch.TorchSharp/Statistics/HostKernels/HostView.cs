using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// A CPU tensor's elements as memory the host kernels read in place: a pointer into the tensor's own storage, no copy.
/// Tensors the kernels cannot read directly — other dtypes, non-contiguous views — are first made into a contiguous
/// float32 (or float64) copy, exactly as the device path converts them (<see cref="DeviceStatistics.AsFloat"/>).
/// </summary>
/// <remarks>
/// The pointer is valid while <see cref="Tensor"/> lives: callers keep it (and any copy made here, which belongs to
/// the caller's dispose scope) alive until the kernels are done. The memory is libtorch's, not the GC's, so nothing
/// needs pinning.
/// </remarks>
internal readonly unsafe struct HostView
{
    private HostView(Tensor tensor, void* data, long length, bool isDouble)
    {
        Tensor = tensor;
        Data = data;
        Length = length;
        IsDouble = isDouble;
    }

    /// <summary>The tensor whose storage <see cref="Data"/> points into.</summary>
    public Tensor Tensor { get; }

    public void* Data { get; }

    public long Length { get; }

    /// <summary>Whether the elements are float64 (else float32).</summary>
    public bool IsDouble { get; }

    /// <summary>Whether the host kernels can read <paramref name="tensor"/>: it lives in host memory.</summary>
    public static bool Applies(Tensor tensor) => tensor.device_type == DeviceType.CPU;

    /// <summary>A view of <paramref name="tensor"/> (a CPU tensor), converting it first when its layout or dtype need it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static HostView Of(Tensor tensor)
    {
        // What a forward pass and an optimizer leave is float32 or float64 and contiguous: read as it is, without the
        // grad-mode switch a conversion needs (hooks call this for every output of a sampled step).
        var dtype = tensor.dtype;
        var readable = tensor;
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64) || !tensor.is_contiguous())
        {
            using var _ = no_grad();
            readable = DeviceStatistics.AsFloat(tensor);
            if (!readable.is_contiguous())
            {
                readable = readable.contiguous();
            }

            dtype = readable.dtype;
        }

        bool isDouble = dtype == ScalarType.Float64;
        long length = readable.numel();
        return new HostView(readable, length == 0 ? null : FirstElement(readable), length, isDouble);
    }

    public float* Floats => (float*)Data;

    public double* Doubles => (double*)Data;

    /// <summary>The first element, widened (the shift of the fast row's sums).</summary>
    public double First => Length == 0 ? 0 : IsDouble ? Doubles[0] : Floats[0];

    // TorchSharp exposes a CPU tensor's storage as a span of its bytes (int-sized, so a tensor over 2 GB is asked for
    // its first element only; the storage is contiguous from there).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void* FirstElement(Tensor contiguous)
    {
        long bytes = contiguous.numel() * contiguous.ElementSize;
        if (bytes <= int.MaxValue)
        {
            return Unsafe.AsPointer(ref MemoryMarshal.GetReference(contiguous.bytes));
        }

        using var first = contiguous.reshape(-1).narrow(0, 0, 1);
        return Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }
}
