using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// The one place where sampled statistics cross from the device to the host. Everything computed for a sample step is
/// packed into one float64 vector and copied with one call, so a GPU synchronises once per sample step instead of
/// once per statistic. Parts already on the host (the host kernels' rows) and CPU tensors are placed directly: on a
/// CPU there is nothing to transfer, and a <c>cat</c> and a <c>cpu()</c> would only copy what is already there.
/// </summary>
internal sealed class HostTransfer
{
    private long _count;

    /// <summary>
    /// Packings made so far, each with at most one device-to-host copy (tests use it to prove there is one per sample
    /// step).
    /// </summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Concatenates <paramref name="parts"/> (1-D float64 tensors) on the host.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Copy(IReadOnlyList<Tensor> parts) => Copy(parts.Select(RowPart.Of).ToList());

    /// <summary>
    /// Concatenates <paramref name="parts"/> on the host: host values as they are, CPU tensors read in place, tensors on
    /// other devices moved to the first one's device (device-to-device moves are asynchronous) and copied to the host
    /// together, once.
    /// </summary>
    /// <param name="parts">The parts.</param>
    /// <param name="into">
    /// An array to pack into when it is long enough (a caller's buffer kept from sample to sample, so that a large
    /// model's packing is not a large-object-heap array every sample step); the array returned may then be longer.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Copy(IReadOnlyList<RowPart> parts, double[]? into = null)
    {
        if (parts.Count == 0)
        {
            return into ?? [];
        }

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var lengths = new long[parts.Count];
        List<Tensor>? onDevice = null;
        Device? device = null;
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i].Tensor is not { } values)
            {
                lengths[i] = parts[i].Host.Count;
                continue;
            }

            lengths[i] = values.numel();
            if (values.device_type != DeviceType.CPU)
            {
                device ??= values.device;
                (onDevice ??= []).Add(values.device == device ? values : values.to(device));
            }
        }

        long needed = lengths.Sum();
        var host = into is not null && into.Length >= needed ? into : new double[needed];
        double[] copied = [];
        if (onDevice is not null)
        {
            copied = cat(onDevice.ToArray()).cpu().data<double>().ToArray();
        }

        long offset = 0, fromDevice = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            var destination = host.AsSpan(checked((int)offset), checked((int)lengths[i]));
            if (destination.IsEmpty)
            {
                continue;
            }

            offset += lengths[i];
            if (parts[i].Tensor is not { } values)
            {
                parts[i].Host.AsSpan().CopyTo(destination);
            }
            else if (values.device_type == DeviceType.CPU)
            {
                var readable = values.dtype == ScalarType.Float64 && values.is_contiguous() ? values : values.to(ScalarType.Float64).contiguous();
                MemoryMarshal.Cast<byte, double>(readable.bytes).CopyTo(destination);
            }
            else
            {
                copied.AsSpan(checked((int)fromDevice), destination.Length).CopyTo(destination);
                fromDevice += destination.Length;
            }
        }

        Interlocked.Increment(ref _count);
        return host;
    }
}
