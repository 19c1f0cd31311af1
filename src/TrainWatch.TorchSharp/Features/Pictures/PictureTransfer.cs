using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// Gathers every tensor a picture step needs, flattened to float32 on one device, and copies them to the host in one
/// transfer. Callers keep the <see cref="HostSlice"/> each <see cref="Add"/> returns and read their values from the
/// copied array afterwards: the imaging module only ever sees plain arrays.
/// </summary>
/// <remarks>The added tensors belong to the caller's dispose scope; nothing here outlives it.</remarks>
internal sealed class PictureTransfer
{
    private readonly List<Tensor> _parts = [];
    private int _length;

    /// <summary>Queues <paramref name="values"/> (any shape, any floating dtype) for the host copy.</summary>
    public HostSlice Add(Tensor values)
    {
        var flat = values.detach().to(ScalarType.Float32).reshape(-1);
        var slice = new HostSlice(_length, checked((int)flat.numel()));
        _length = checked(_length + slice.Length);
        _parts.Add(flat);
        return slice;
    }

    /// <summary>Concatenates everything added onto the first part's device and copies it to the host once.</summary>
    public float[] CopyToHost()
    {
        if (_parts.Count == 0)
        {
            return [];
        }

        var device = _parts[0].device;
        using var packed = cat(_parts.Select(p => p.device == device ? p : p.to(device)).ToArray());
        using var host = packed.cpu();
        return host.data<float>().ToArray();
    }
}

/// <summary>Where one added tensor's values sit in the copied array.</summary>
/// <param name="Offset">Index of the first value.</param>
/// <param name="Length">Number of values.</param>
internal readonly record struct HostSlice(int Offset, int Length)
{
    /// <summary>The values of this slice in <paramref name="host"/>.</summary>
    public ReadOnlySpan<float> In(float[] host) => host.AsSpan(Offset, Length);
}
