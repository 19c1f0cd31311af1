namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Which elements of a weight the update ratio reads (<see cref="WatchOptions.UpdateRatioSampleLimit"/>): all of a
/// weight up to the limit; above it, one short run of consecutive elements in every k runs' length of the flattened
/// weight (<see cref="UpdateReads"/>). The snapshot holds only those elements, and ‖Δw‖ and ‖w‖ are both taken over
/// them, so their ratio estimates the whole weight's ratio.
/// </summary>
/// <remarks>
/// <para>Why a sample: the exact ratio needs a copy of every weight (the model's size again in memory) and, at each
/// sample, a write of that copy and a second read of both: on a model of tens of millions of parameters that was most
/// of the sample step (issue 26). The ratio is a ratio of two sums of squares over the same elements, so its error is
/// that of a mean of squares over m sampled elements: about √(2/m) relative for normal values, 1.1 % at m = 16,384.</para>
/// <para>Why k is capped: an update can be sparse. An embedding under plain SGD moves only the rows of the batch's
/// tokens, a layer fed a sparse input moves only that input's columns; a sample that held none of them would read
/// ‖Δw‖ = 0 and the unchanged-weights rule would call the layer frozen. So the weight is read as a matrix of rows
/// (dimension 0) by the rest, and k is at most the smaller of the two sides and shares no factor with a row's length:
/// every row then holds a sampled element, and row after row the sampled column moves on, so every column does too.
/// k is the stride <see cref="HistogramSampling"/> would take (an odd prime), or the largest odd prime within the cap
/// that does not divide a row's length; 1 (every element) when there is none.</para>
/// <para>Why runs: read one element at a time a stride apart, the step after a sample fetched a whole cache line
/// (16 floats) for every element it read, and on a model whose weights are not in cache that was most of its time (the
/// 8.5M-parameter MLP's step after a sample: ~0.9 ms for 130,000 elements). Where a row is long enough, the elements
/// are read in runs of <see cref="UpdateReads.Run"/> (16, 8, 4 or 2, a divisor of the row's length) that start k runs'
/// length apart: as many elements as one every k-th, on a line or two each. Rows stay covered (a run starts within every
/// row, as k · run ≤ the row's length) and so do columns: runs start at multiples of the run length modulo a row,
/// since k shares no factor with the row's length, and each run covers the columns up to the next start.</para>
/// </remarks>
internal static class UpdateSampling
{
    /// <summary>
    /// The default limit, 2^14 = 16,384 elements, as the histogram's: the snapshot of a weight is then at most 64 KB
    /// (float32), unless the cap on k keeps more (one element per row of an embedding at least).
    /// </summary>
    public const int DefaultLimit = 1 << 14;

    // Longest run: a 64-byte cache line of float32.
    private const long LongestRun = 16;

    /// <summary>The elements read of a weight of shape <paramref name="shape"/>: every element up to <paramref name="limit"/> or when it is 0.</summary>
    public static UpdateReads For(ReadOnlySpan<long> shape, long limit)
    {
        long count = DeviceStatistics.Numel(shape);
        long stride = HistogramSampling.Stride(count, limit);
        if (stride == 1 || shape.Length < 2 || shape[0] == 0)
        {
            return UpdateReads.Every; // a vector has no rows to cover one by one: read whole (biases, norm gains are small anyway)
        }

        long rowLength = count / shape[0];
        for (long run = LongestRun; run >= 2; run /= 2)
        {
            if (rowLength % run == 0 && run * stride <= rowLength && CappedStride(stride, Math.Min(shape[0], rowLength / run), rowLength) is { } k)
            {
                return new UpdateReads(k, run);
            }
        }

        return CappedStride(stride, Math.Min(shape[0], rowLength), rowLength) is { } single ? new UpdateReads(single, 1) : UpdateReads.Every;
    }

    // The largest odd prime k ≤ min(stride, cap) that does not divide the row's length, or null when there is none.
    private static long? CappedStride(long stride, long cap, long rowLength)
    {
        for (long k = Math.Min(stride, cap); k >= 3; k--)
        {
            if (k % 2 == 1 && rowLength % k != 0 && HistogramSampling.IsOddPrime(k))
            {
                return k;
            }
        }

        return null;
    }
}
