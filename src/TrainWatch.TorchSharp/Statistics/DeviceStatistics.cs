using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Reduces a tensor to its statistics row (<see cref="StatisticsRow"/>) on the tensor's own device: no value leaves
/// the device here, and nothing synchronises with it. Callers stack many rows and copy them to the host once.
/// </summary>
/// <remarks>
/// The histogram has uniform buckets over min..max. Values are mapped to [0, bins] on the device and counted with
/// <c>histc</c> over the integer range 0..bins — exact, one pass, and available on CUDA (<c>torch.histc</c> in TorchSharp
/// 0.107 only takes integer bounds; <c>torch.histogram</c> has no CUDA kernel). A tensor above the histogram limit is
/// counted from its strided sample (<see cref="HistogramSampling"/>: a strided view, the same elements the host kernels
/// count) and the counts scaled back to the whole tensor; every other statistic is over every element.
/// </remarks>
internal static class DeviceStatistics
{
    /// <summary>
    /// The fast row: the first element s, the sums of d = x − s and of d² (see <see cref="StatisticsRow"/> for why
    /// shifted), min and max, the count of zeros, the histogram, and — over the whole tensor, when
    /// <paramref name="unitAxis"/> names a dimension — the number of units (features or channels along that axis) that
    /// are zero everywhere. The rest is taken from the first <paramref name="sampleLimit"/> entries of dimension 0 when
    /// that is positive (activations: a few samples of the batch describe the distribution; a dead filter is one that
    /// is zero for the whole batch). The histogram counts at most <paramref name="histogramLimit"/> of those elements
    /// (0: all of them).
    /// </summary>
    public static Tensor FastRow(Tensor values, int bins, int unitAxis, long sampleLimit = 0, long histogramLimit = 0)
    {
        using var _ = no_grad();
        var full = AsFloat(values.detach());
        var sample = DistributionSample(full, sampleLimit).reshape(-1);

        // sum and dot are vectorised single passes (std_mean's Welford pass is not vectorised on CPU); a float32
        // overflow shows as a non-finite value and sends the tensor to the float64 robust row.
        var shift = sample.narrow(0, 0, 1).reshape([]);
        var centred = sample.sub(shift);
        var (min, max) = sample.aminmax();
        var counts = new List<Tensor>(2) { sample.eq(DeviceScalars.Zero).sum() };
        if (HasUnits(full, unitAxis))
        {
            counts.Add(DeadUnits(full, unitAxis));
        }

        // stack takes one dtype: the sample's, unless the tensor is so large that its counts need float64.
        var countType = CountType(sample);
        Tensor[] moments = [shift, centred.sum(), centred.dot(centred), min, max];
        var statistics = (countType == sample.dtype ? moments : moments.Select(m => m.to(countType)))
            .Concat(counts.Select(c => c.to(countType)))
            .ToArray();

        long total = sample.numel();
        long stride = HistogramSampling.Stride(total, histogramLimit);
        if (stride == 1)
        {
            // One conversion for the whole row: fewer, larger ops are what makes device statistics cheap.
            return cat([stack(statistics), Histogram(sample, min, max, bins, countType)]).to(ScalarType.Float64);
        }

        var counted = sample.slice(0, 0, total, stride);
        var bucketCounts = Histogram(counted, min, max, bins, CountType(counted)).to(ScalarType.Float64);
        return cat([stack(statistics).to(ScalarType.Float64), Scaled(bucketCounts, total, HistogramSampling.Counted(total, stride))]);
    }

    // HistogramSampling.Scale on the device, in the same float64 arithmetic: counts × (total / counted) rounded half to
    // even (torch.round's rule), and the rounding's remainder added to the first largest bucket (argmax's choice).
    private static Tensor Scaled(Tensor counts, long total, long counted)
    {
        using var factor = DeviceScalars.Owned((double)total / counted);
        using var all = DeviceScalars.Owned(total);
        var scaled = counts.mul_(factor).round_();
        var remainder = scaled.sum().neg_().add_(all, DeviceScalars.One);
        return scaled.index_add_(0, scaled.argmax().unsqueeze(0), remainder.unsqueeze(0), DeviceScalars.One);
    }

    /// <summary>
    /// The robust row: NaN and ±∞ are counted and masked out of every other statistic, so one NaN does not hide the
    /// rest of the distribution. Several passes, in float64 (with a centred second pass for the variance); used only
    /// for tensors whose fast row showed a non-finite value.
    /// </summary>
    public static Tensor RobustRow(Tensor values, int bins, int unitAxis, long sampleLimit = 0)
    {
        using var _ = no_grad();
        var full = AsFloat(values.detach());
        var flat = DistributionSample(full, sampleLimit).reshape(-1);
        var finite = flat.isfinite();
        var notFinite = finite.logical_not();
        var cleaned = flat.masked_fill(notFinite, DeviceScalars.Zero);
        var min = flat.masked_fill(notFinite, DeviceScalars.PositiveInfinity).min();
        var max = flat.masked_fill(notFinite, DeviceScalars.NegativeInfinity).max();

        var wide = cleaned.to(ScalarType.Float64);
        var finiteCount = finite.sum(ScalarType.Float64);
        var sum = wide.sum();
        var mean = sum.div(finiteCount.clamp_min(DeviceScalars.One));
        var deviations = wide.sub(mean).masked_fill_(notFinite, DeviceScalars.Zero);
        var deadUnits = HasUnits(full, unitAxis) ? DeadUnits(full, unitAxis) : finite.sum().mul(DeviceScalars.Zero);
        var stats = stack(
        [
            finiteCount,
            sum,
            wide.dot(wide), // not square(): it is pow(2) with a temporary Scalar (see DeviceScalars)
            deviations.dot(deviations),
            min.to(ScalarType.Float64),
            max.to(ScalarType.Float64),
            flat.eq(DeviceScalars.Zero).sum(ScalarType.Float64),
            flat.isnan().sum(ScalarType.Float64),
            deadUnits.to(ScalarType.Float64),
        ]);

        // Clean bounds: with no finite value min is +inf and max is -inf; zero keeps the arithmetic finite.
        var histogram = Histogram(cleaned, min.nan_to_num(0, 0, 0), max.nan_to_num(0, 0, 0), bins, CountType(cleaned), exclude: notFinite);
        return cat([stats, histogram.to(ScalarType.Float64)]);
    }

    /// <summary>
    /// Bucket counts (as <paramref name="countType"/>) over <paramref name="bins"/> uniform buckets spanning
    /// [min, max]; a constant tensor puts everything in bucket 0.
    /// </summary>
    private static Tensor Histogram(Tensor flat, Tensor min, Tensor max, int bins, ScalarType countType, Tensor? exclude = null)
    {
        // histc counts in its input's dtype, so the positions take the dtype the counts need.
        var values = flat.dtype == countType ? flat : flat.to(countType);
        var scale = (max - min).clamp_min_(DeviceScalars.SmallestRange).reciprocal_().mul_(DeviceScalars.Of(bins)).to(countType);
        var position = values.sub(min.to(countType)).mul_(scale).clamp_(DeviceScalars.Zero, DeviceScalars.Of(bins));
        if (exclude is not null)
        {
            // Out of histc's range, so not counted.
            position = position.masked_fill(exclude, DeviceScalars.MinusOne);
        }

        return histc(position, bins, 0, bins);
    }

    /// <summary>What the host must know to decode a row of <paramref name="values"/>: it follows from the shape alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowShape ShapeOf(Tensor values, int unitAxis, long sampleLimit) => ShapeOf(TensorSizes.Of(values), unitAxis, sampleLimit);

    /// <summary>What the host must know to decode a row of a tensor of <paramref name="shape"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowShape ShapeOf(long[] shape, int unitAxis, long sampleLimit)
    {
        long numel = Numel(shape);
        long sampleCount = sampleLimit > 0 && shape.Length >= 1 && shape[0] > sampleLimit
            ? numel / shape[0] * sampleLimit
            : numel;
        bool hasUnits = unitAxis >= 1 && unitAxis < shape.Length;
        return new RowShape(numel, sampleCount, hasUnits ? shape[unitAxis] : 0, hasUnits ? unitAxis : UnitAxis.None, shape.Length);
    }

    /// <summary>Elements in a tensor of <paramref name="shape"/> (1 for a scalar).</summary>
    public static long Numel(ReadOnlySpan<long> shape)
    {
        long numel = 1;
        foreach (long size in shape)
        {
            numel *= size;
        }

        return numel;
    }

    private static bool HasUnits(Tensor values, int unitAxis) => unitAxis >= 1 && unitAxis < values.dim();

    // Counts of up to 2^24 are exact in float32; a bigger tensor counts in float64 (a CUDA histc adds in its dtype,
    // so a float32 bucket would stop growing at 16,777,216).
    private static ScalarType CountType(Tensor sample) =>
        sample.numel() > 1L << 24 ? ScalarType.Float64 : sample.dtype;

    private static Tensor DistributionSample(Tensor full, long sampleLimit) =>
        sampleLimit > 0 && full.dim() >= 1 && full.size(0) > sampleLimit ? full.narrow(0, 0, sampleLimit) : full;

    // A unit (a feature along the unit axis: [N, F], [B, T, F], a channel of [N, C, ...]) is dead when its largest and
    // smallest values over the whole batch (and every other dimension) are both zero. Max/min reductions are
    // vectorised, count_nonzero over the same dimensions is not.
    private static Tensor DeadUnits(Tensor full, int unitAxis)
    {
        // [before, units, after]: reshape is a view for contiguous outputs, whatever the axis.
        var shape = TensorSizes.Of(full);
        long before = Numel(shape.AsSpan(0, unitAxis));
        var byUnit = full.reshape(before, shape[unitAxis], -1);
        long[] allButUnits = [0, 2];
        return byUnit.amax(allButUnits).eq(DeviceScalars.Zero).logical_and(byUnit.amin(allButUnits).eq(DeviceScalars.Zero)).sum();
    }

    // Half and bfloat16 lack some reductions on some devices; integer tensors have no NaN. Float32 suits all of them.
    internal static Tensor AsFloat(Tensor t) =>
        t.dtype is ScalarType.Float32 or ScalarType.Float64 ? t : t.to(ScalarType.Float32);
}
