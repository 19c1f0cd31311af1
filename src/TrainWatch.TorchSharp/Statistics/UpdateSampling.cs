namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Which elements of a weight the update ratio reads (<see cref="WatchOptions.UpdateRatioSampleLimit"/>): all of a
/// weight up to the limit; above it, every k-th element of the flattened weight from the first. The snapshot holds only
/// those elements, and ‖Δw‖ and ‖w‖ are both taken over them, so their ratio estimates the whole weight's ratio.
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
/// </remarks>
internal static class UpdateSampling
{
    /// <summary>
    /// The default limit, 2^14 = 16,384 elements, as the histogram's: the snapshot of a weight is then at most 64 KB
    /// (float32), unless the cap on k keeps more (one element per row of an embedding at least).
    /// </summary>
    public const int DefaultLimit = 1 << 14;

    /// <summary>The stride of the elements read of a weight of shape <paramref name="shape"/>: 1 (every element) up to <paramref name="limit"/> or when it is 0.</summary>
    public static long Stride(ReadOnlySpan<long> shape, long limit)
    {
        long count = DeviceStatistics.Numel(shape);
        long stride = HistogramSampling.Stride(count, limit);
        if (stride == 1 || shape.Length < 2 || shape[0] == 0)
        {
            return 1; // a vector has no rows to cover one by one: read whole (biases, norm gains are small anyway)
        }

        long rowLength = count / shape[0];
        long cap = Math.Min(shape[0], rowLength);
        for (long k = Math.Min(stride, cap); k >= 3; k--)
        {
            if (k % 2 == 1 && rowLength % k != 0 && HistogramSampling.IsOddPrime(k))
            {
                return k;
            }
        }

        return 1;
    }

    /// <summary>The elements read at <paramref name="stride"/>: indexes 0, k, 2k, … below <paramref name="count"/>.</summary>
    public static long Counted(long count, long stride) => HistogramSampling.Counted(count, stride);
}
