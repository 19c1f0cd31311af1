using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// Reduces a tensor to its statistics row (<see cref="StatisticsRow"/>) on the tensor's own device: no value leaves
/// the device here, and nothing synchronises with it. Callers stack many rows and copy them to the host once.
/// </summary>
/// <remarks>
/// Non-finite values are counted and masked out of every other statistic, so one NaN does not hide the rest of the
/// distribution. The histogram has uniform buckets over the finite min..max, counted with floor/clamp/bincount:
/// <c>torch.histc</c> in TorchSharp 0.107 only takes integer bounds, and <c>torch.histogram</c> has no CUDA kernel.
/// </remarks>
internal static class DeviceStatistics
{
    /// <summary>
    /// The statistics row of <paramref name="values"/> as a 1-D float64 tensor on its device. Dead channels are counted
    /// over dimension 1 for tensors of rank 3 or more when <paramref name="countDeadChannels"/> is set.
    /// </summary>
    public static Tensor Row(Tensor values, int bins, bool countDeadChannels)
    {
        using var _ = no_grad();
        var x = values.detach();
        if (!x.is_floating_point())
        {
            x = x.to(ScalarType.Float32);
        }

        var flat = x.reshape(-1);
        var finite = flat.isfinite();
        var notFinite = finite.logical_not();
        var finiteCount = finite.sum(ScalarType.Float64);
        var cleaned = flat.masked_fill(notFinite, 0);
        var min = flat.masked_fill(notFinite, double.PositiveInfinity).min().to(ScalarType.Float64);
        var max = flat.masked_fill(notFinite, double.NegativeInfinity).max().to(ScalarType.Float64);

        var parts = new List<Tensor>
        {
            tensor((double)flat.numel(), ScalarType.Float64, flat.device),
            finiteCount,
            cleaned.sum(ScalarType.Float64),
            cleaned.square().sum(ScalarType.Float64),
            min,
            max,
            flat.eq(0).sum(ScalarType.Float64),
            flat.isnan().sum(ScalarType.Float64),
        };

        if (countDeadChannels && x.dim() >= 3)
        {
            // A channel is dead when no element of it, in any sample of the batch, is non-zero.
            var perChannel = x.transpose(0, 1).reshape(x.shape[1], -1).ne(0).any(1);
            parts.Add(perChannel.logical_not().sum(ScalarType.Float64));
            parts.Add(tensor((double)x.shape[1], ScalarType.Float64, flat.device));
        }
        else
        {
            parts.Add(tensor(-1.0, ScalarType.Float64, flat.device));
            parts.Add(tensor(0.0, ScalarType.Float64, flat.device));
        }

        var stats = stack(parts);
        return cat([stats, UniformHistogram(flat, finite, min, max, bins)]);
    }

    /// <summary>
    /// Bucket counts of the finite values over <c>bins</c> uniform buckets spanning [min, max]. A constant tensor puts
    /// everything in bucket 0; a tensor without finite values counts nothing.
    /// </summary>
    public static Tensor UniformHistogram(Tensor flat, Tensor finite, Tensor min, Tensor max, int bins)
    {
        // Clean bounds: with no finite value min is +inf and max is -inf; zero keeps the arithmetic finite.
        var lo = min.nan_to_num(0, 0, 0);
        var hi = max.nan_to_num(0, 0, 0);
        var scale = ((double)bins / (hi - lo).clamp_min(1e-30)).to(flat.dtype);
        var shifted = flat.masked_fill(finite.logical_not(), 0).sub(lo.to(flat.dtype)).mul(scale);
        var index = shifted.nan_to_num(0, 0, 0).floor().clamp(0, bins - 1).to(ScalarType.Int64);
        return index.bincount(finite.to(ScalarType.Float64), bins).to(ScalarType.Float64);
    }
}
