using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// The one place where sampled statistics cross from the device to the host. Everything computed for a sample step is
/// packed into one float64 vector per device and copied with one call, so a GPU synchronises once per sample step
/// instead of once per statistic.
/// </summary>
internal sealed class HostTransfer
{
    private long _count;

    /// <summary>Device-to-host copies made so far (tests use it to prove there is one per sample step and device).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Concatenates <paramref name="parts"/> (1-D float64 tensors on one device) and copies them to the host.</summary>
    public double[] Copy(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count == 0)
        {
            return [];
        }

        using var packed = cat(parts.ToArray());
        using var host = packed.cpu();
        Interlocked.Increment(ref _count);
        return host.data<double>().ToArray();
    }
}
