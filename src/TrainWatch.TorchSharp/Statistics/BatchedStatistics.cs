using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// The fast rows (<see cref="StatisticsRow"/>) of many tensors of one device and dtype at once: the same values
/// <see cref="DeviceStatistics.FastRow"/> gives each of them (no unit axis, no sample limit; the histogram of a tensor
/// above the layout's histogram limit counted from the same strided sample and scaled the same way), from about thirty
/// ops for the whole batch instead of about ten per tensor.
/// </summary>
/// <remarks>
/// Each op has a fixed cost — a dispatch on CPU, a kernel launch on a GPU — so a model's many small tensors
/// (biases, norms) cost far more than their data. Per-segment scatter ops (<c>index_add_</c>, <c>bincount</c> with
/// weights) are serial on CPU, slower than the per-tensor path they would replace, and
/// TorchSharp 0.107 exposes no <c>scatter_reduce</c> (its <c>index_reduce</c> is marked not implemented). So the
/// batch is packed as a zero-padded matrix in which every row belongs to one tensor (<see cref="SegmentLayout"/>):
/// shifted sums, sums of squares, zero counts, min and max are vectorised row reductions, and only the few row results are
/// combined per tensor. The histograms of all tensors are one <c>bincount</c> over segment × bins + bucket: int64,
/// so exact at any size. On a GPU it saves more still: one launch per op instead of one per op and tensor (figures:
/// docs/benchmarks.md, "Behind the code").
/// </remarks>
internal static class BatchedStatistics
{
    /// <summary>
    /// The fast rows of <paramref name="tensors"/> (laid out as <paramref name="layout"/>, all on one device and of
    /// the dtype it was built for), one after another in one float64 vector.
    /// </summary>
    public static Tensor FastRows(IReadOnlyList<Tensor> tensors, SegmentLayout layout, int bins)
    {
        using var _ = no_grad();
        var pieces = new List<Tensor>(2 * tensors.Count);
        for (int s = 0; s < tensors.Count; s++)
        {
            pieces.Add(DeviceStatistics.AsFloat(tensors[s].detach()).reshape(-1));
            if (layout.PadLengths[s] > 0)
            {
                pieces.Add(layout.ZeroPad.narrow(0, 0, layout.PadLengths[s]));
            }
        }

        var packed = cat(pieces.ToArray()).view(layout.Rows, layout.RowLength);
        var dtype = packed.dtype;

        // Sums are shifted by each tensor's first element, as in FastRow (see StatisticsRow); the padding, which the
        // shift would move off zero, is set back to zero so that it adds nothing.
        var flat = packed.view(-1);
        var shifts = flat.index_select(0, layout.SegmentStarts);
        var centred = packed.sub(flat.index_select(0, layout.RowShiftSources).unsqueeze(1));
        FillPadding(centred.view(-1), layout, DeviceScalars.Zero);

        // Rows add in the tensors' own dtype, like FastRow's single pass; rows are combined per tensor in float64.
        // Padding is zero: its zeros are taken off the count.
        var rowZeros = packed.eq(DeviceScalars.Zero).sum(1, type: dtype).sub_(layout.RowPadCounts);
        var perRow = stack([centred.sum(1), centred.mul(centred).sum(1), rowZeros]).to(ScalarType.Float64);
        var perSegment = zeros(3, layout.Segments, ScalarType.Float64, packed.device).index_add_(1, layout.RowSegments, perRow, DeviceScalars.One);

        // Min and max: padding set to the value that cannot win, each row reduced, then each tensor's rows.
        var (min, max) = MinMax(packed, layout);

        var histograms = Histograms(packed, min, max, layout, bins);
        var moments = stack([shifts.to(ScalarType.Float64), perSegment[0], perSegment[1], min.to(ScalarType.Float64), max.to(ScalarType.Float64), perSegment[2]], 1);
        return cat([moments, histograms], 1).reshape(-1);
    }

    // Overwrites the padding of packed (with +∞ at the end, which Histograms relies on not mattering).
    private static (Tensor Min, Tensor Max) MinMax(Tensor packed, SegmentLayout layout)
    {
        var flat = packed.view(-1);
        long[] alongRow = [1];
        FillPadding(flat, layout, DeviceScalars.NegativeInfinity);
        var rowMax = packed.amax(alongRow);
        FillPadding(flat, layout, DeviceScalars.PositiveInfinity);
        var rowMin = packed.amin(alongRow);

        var max = rowMax.index_select(0, layout.RowGather).view(layout.Segments, layout.MaxRowsPerSegment).amax(alongRow);
        var min = rowMin.index_select(0, layout.RowGather).view(layout.Segments, layout.MaxRowsPerSegment).amin(alongRow);
        return (min, max);
    }

    /// <summary>
    /// [segments, bins] float64 counts: per segment, uniform buckets over its [min, max] with the arithmetic of
    /// <see cref="DeviceStatistics.FastRow"/> (a constant segment puts everything in bucket 0).
    /// </summary>
    private static Tensor Histograms(Tensor packed, Tensor min, Tensor max, SegmentLayout layout, int bins)
    {
        var scale = (max - min).clamp_min_(DeviceScalars.SmallestRange).reciprocal_().mul_(DeviceScalars.Of(bins));
        var rowMin = min.index_select(0, layout.RowSegments).unsqueeze(1);
        var rowScale = scale.index_select(0, layout.RowSegments).unsqueeze(1);
        var position = packed.sub(rowMin).mul_(rowScale).clamp_(DeviceScalars.Zero, DeviceScalars.Of(bins));

        // Truncation is floor here (positions are ≥ 0); the top edge joins the last bucket, as in histc. The integer
        // clamp also catches NaN positions, whose conversion is undefined (their row is recomputed robustly anyway).
        // add_ with its alpha given: TorchSharp's one-argument add_ makes a temporary Scalar (see DeviceScalars).
        var bucket = position.to(ScalarType.Int64).clamp_(DeviceScalars.Zero, DeviceScalars.Of(bins - 1)).add_(layout.RowBucketBase, DeviceScalars.One).view(-1);
        var dump = DeviceScalars.Of(checked((int)layout.DumpBucket));
        if (layout.NotCounted is { } notCounted)
        {
            bucket.masked_fill_(notCounted, dump); // padding and the elements outside each sample
        }
        else
        {
            FillPadding(bucket, layout, dump);
        }

        var counts = bincount(bucket, null, layout.DumpBucket + 1)
            .narrow(0, 0, layout.DumpBucket)
            .view(layout.Segments, bins)
            .to(ScalarType.Float64);
        return layout.SampleFactors is { } factors ? Scaled(counts, factors, layout.SegmentTotals!) : counts;
    }

    // HistogramSampling.Scale for every segment at once, in the same float64 arithmetic as DeviceStatistics' single
    // tensor: counts × factor rounded half to even, each row's remainder added to its first largest bucket. A segment
    // counted whole has factor 1: its counts are whole numbers that already add up, so nothing moves.
    private static Tensor Scaled(Tensor counts, Tensor factors, Tensor totals)
    {
        long[] alongRow = [1];
        var scaled = counts.mul_(factors).round_();
        var remainder = totals.sub(scaled.sum(alongRow, keepdim: true));
        return scaled.scatter_add_(1, scaled.argmax(1, keepdim: true), remainder);
    }

    private static void FillPadding(Tensor flat, SegmentLayout layout, Scalar value)
    {
        if (layout.HasPadding)
        {
            flat.index_fill_(0, layout.PadPositions, value);
        }
    }
}
