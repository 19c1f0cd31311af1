using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Fast rows (<see cref="StatisticsRow"/>) of CPU tensors, computed by the host kernels straight from the tensors'
/// memory: the same values <see cref="DeviceStatistics.FastRow"/> gives, in two multi-threaded passes over each tensor
/// instead of about ten libtorch ops.
/// </summary>
/// <remarks>
/// <para>On the CPU the device is the host: there is no copy to wait for, and libtorch's ops there are each a separate
/// pass (and <c>histc</c> a single-threaded one). Pass one gives the moments, min, max and zeros; pass two counts
/// buckets over the [min, max] pass one found — of every element, or of a tensor above the histogram limit only the
/// strided sample <see cref="HistogramSampling"/> defines, scaled back to the whole tensor. Both run over chunks of all tensors at once, so a model's many small
/// tensors share the threads with its few large ones, and each chunk's result is kept apart and combined in chunk
/// order: the rows do not depend on how the threads were scheduled.</para>
/// <para>CUDA tensors keep the device path, where ops are asynchronous kernels and only the one copy waits.</para>
/// </remarks>
internal static unsafe class HostRows
{
    // A chunk is one thread's unit of work: large enough that scheduling is noise, small enough that a few tensors
    // still spread over every core. Chunks grow with the bucket count so that the per-chunk counts stay a small
    // fraction of the data.
    private const long MinimumChunk = 1L << 16;

    // The chunk length of both passes: the moments pass over the tensors, the bucket pass over the counted elements.
    private static long ChunkLength(int bins) => Math.Max(MinimumChunk, 16L * UniformHistogramKernel.Tables * bins);

    // Elements the histogram's gathered samples hold at most, 4M floats (16 MB, pooled): 256 tensors at the default
    // limit. A model with more large tensors than that counts the rest from their memory, a stride apart.
    internal const long MaxGathered = 1L << 22;

    /// <summary>The fast rows (no units) of <paramref name="tensors"/>, one after another.</summary>
    /// <param name="tensors">CPU tensors.</param>
    /// <param name="bins">Histogram buckets.</param>
    /// <param name="histogramLimit">Elements a histogram counts at most (<see cref="HistogramSampling"/>); 0 counts all.</param>
    /// <param name="snapshot">The update ratio's snapshot work, run over the weights' chunks as they are read (or null).</param>
    /// <param name="weightIndexes">With <paramref name="snapshot"/>: the index in <paramref name="tensors"/> of each weight.</param>
    /// <param name="into">
    /// An array to write the rows into when it is long enough (a caller's buffer, kept from sample to sample: for a
    /// model of a few hundred tensors the rows are a large-object-heap array, and one a sample step means a full
    /// collection every few steps); the array returned may then be longer than the rows.
    /// </param>
    /// <param name="maxGathered">Elements of histogram samples gathered in the moments pass at most (test seam: 0 reads every sample from the tensors).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] FastRows(IReadOnlyList<Tensor> tensors, int bins, long histogramLimit = 0, SnapshotPass? snapshot = null, IReadOnlyList<int>? weightIndexes = null, double[]? into = null, long maxGathered = MaxGathered)
    {
        using var scope = NewDisposeScope();

        // Plain loops, not LINQ, here and in Reduce: LINQ over these structs is generic code of the runtime's own,
        // which no ReadyToRun image holds, so it was compiled at the first sample and again twice as it warmed up
        // (docs/design.md, "Why the sample path is compiled once").
        var views = new HostView[tensors.Count];
        var lengths = new long[tensors.Count];
        for (int s = 0; s < views.Length; s++)
        {
            views[s] = HostView.Of(tensors[s]);
            lengths[s] = views[s].Length;
        }

        var companions = snapshot is null || weightIndexes is null ? null : Companions(views, snapshot, weightIndexes);
        var (moments, counts) = Reduce(views, lengths, bins, histogramLimit, companions, snapshot?.Measures ?? false, maxGathered, out var updates);
        if (companions is not null)
        {
            snapshot!.Complete(snapshot.Measures ? UpdateNorms(updates, weightIndexes!) : null);
        }

        int rowLength = StatisticsRow.FastLength(bins, hasChannels: false);
        var rows = into is not null && into.Length >= tensors.Count * rowLength ? into : new double[tensors.Count * rowLength];
        for (int s = 0; s < views.Length; s++)
        {
            Write(rows.AsSpan(s * rowLength, rowLength), views[s].First, moments[s], deadUnits: null, counts.AsSpan(s * bins, bins));
        }

        ArrayPool<double>.Shared.Return(counts);
        return rows;
    }

    /// <summary>
    /// The fast row of one tensor, as <see cref="DeviceStatistics.FastRow"/> defines it: distribution statistics over
    /// the first <paramref name="sampleLimit"/> entries of dimension 0 (all when 0), dead units over the whole tensor;
    /// the histogram of those entries counts at most <paramref name="histogramLimit"/> of them (0: all).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] FastRow(Tensor values, int bins, int unitAxis, long sampleLimit, long histogramLimit = 0) =>
        FastRow(values, TensorSizes.Of(values), bins, unitAxis, sampleLimit, histogramLimit);

    /// <summary>The fast row of <paramref name="values"/>, whose shape the caller has already read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] FastRow(Tensor values, long[] valuesShape, int bins, int unitAxis, long sampleLimit, long histogramLimit = 0)
    {
        using var scope = NewDisposeScope();
        var view = HostView.Of(values);
        var shape = DeviceStatistics.ShapeOf(valuesShape, unitAxis, sampleLimit);
        var (moments, counts) = Reduce([view], [shape.SampleCount], bins, histogramLimit, companions: null, measures: false, MaxGathered, out _);

        double? deadUnits = null;
        if (shape.HasChannels)
        {
            long before = DeviceStatistics.Numel(valuesShape[..unitAxis]);
            long units = valuesShape[unitAxis];
            long after = units == 0 ? 0 : view.Length / before / units;
            deadUnits = view.IsDouble
                ? DeadUnitsKernel.Count(view.Doubles, before, units, after)
                : DeadUnitsKernel.Count(view.Floats, before, units, after);
        }

        var row = new double[StatisticsRow.FastLength(bins, shape.HasChannels)];
        Write(row, view.First, moments[0], deadUnits, counts.AsSpan(0, bins));
        ArrayPool<double>.Shared.Return(counts);
        return row;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write(Span<double> row, double shift, in Moments moments, double? deadUnits, ReadOnlySpan<double> counts)
    {
        row[StatisticsRow.FastShift] = shift;
        row[StatisticsRow.FastShiftedSum] = moments.ShiftedSum;
        row[StatisticsRow.FastShiftedSumOfSquares] = moments.ShiftedSquares;

        // An empty tensor has no extremes; zeros keep its row finite (its count of elements, 0, says the rest).
        row[StatisticsRow.FastMin] = double.IsPositiveInfinity(moments.Min) ? 0 : moments.Min;
        row[StatisticsRow.FastMax] = double.IsNegativeInfinity(moments.Max) ? 0 : moments.Max;
        row[StatisticsRow.FastZeros] = moments.Zeros;
        if (deadUnits is { } dead)
        {
            row[StatisticsRow.FastDeadChannels] = dead;
        }

        counts.CopyTo(row[StatisticsRow.FastHistogramStart(deadUnits is not null)..]);
    }

    // Each weight's ‖update‖ and ‖weight‖ over its measured elements, weight after weight.
    private static double[] UpdateNorms((double Update, double Weight)[] updates, IReadOnlyList<int> weightIndexes)
    {
        var norms = new double[2 * weightIndexes.Count];
        for (int k = 0; k < weightIndexes.Count; k++)
        {
            var (update, weight) = updates[weightIndexes[k]];
            norms[2 * k] = Math.Sqrt(update);
            norms[(2 * k) + 1] = Math.Sqrt(weight);
        }

        return norms;
    }

    // The snapshot of each weight as a view, with the stride of the weight's elements it holds (UpdateSampling), by
    // segment (null for gradients), or null when any snapshot cannot be written in place or no longer matches its
    // weight: then the pass is not run at all.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (HostView View, UpdateReads Reads)?[]? Companions(HostView[] views, SnapshotPass snapshot, IReadOnlyList<int> weightIndexes)
    {
        if (weightIndexes.Count != snapshot.Snapshots.Count || snapshot.Reads.Count != snapshot.Snapshots.Count)
        {
            return null;
        }

        var companions = new (HostView, UpdateReads)?[views.Length];
        for (int k = 0; k < weightIndexes.Count; k++)
        {
            var then = HostView.Of(snapshot.Snapshots[k]);
            var now = views[weightIndexes[k]];
            var reads = snapshot.Reads[k];
            if (!ReferenceEquals(then.Tensor, snapshot.Snapshots[k]) || !reads.Matches(now.Length, then.Length) || then.IsDouble != now.IsDouble)
            {
                return null;
            }

            companions[weightIndexes[k]] = (then, reads);
        }

        return companions;
    }

    // Moments and bucket counts (segments × bins, in a pooled array at least that long, which the caller returns) of
    // the first lengths[s] elements of each view; the counts of a segment above histogramLimit come from its strided
    // sample, scaled to lengths[s]. A segment with a companion (a weight's snapshot: of its every element, or of every
    // stride-th, UpdateSampling) has each chunk, just read for its moments, measured against the snapshot and written
    // over it (measures), or only copied over it: updates[s] holds Σ(now − then)² and Σthen² over those elements.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Moments[] Moments, double[] Counts) Reduce(HostView[] views, long[] lengths, int bins, long histogramLimit, (HostView View, UpdateReads Reads)?[]? companions, bool measures, long maxGathered, out (double Update, double Weight)[] updates)
    {
        var chunks = Chunking.Split(lengths, ChunkLength(bins));
        long total = 0;
        foreach (long length in lengths)
        {
            total += length;
        }

        // A float32 tensor above the histogram limit has its sample gathered by pass one, while each chunk is in
        // cache, into one buffer (sampleOffsets[s], or −1): read a stride apart from memory in pass two, every sampled
        // element was a cache miss of its own, which made the bucket pass of a 17M-parameter model slower than its
        // moments pass. The buffer is pooled and bounded (MaxGathered); tensors past the bound are read as before.
        var strides = new long[views.Length];
        var sampleOffsets = new long[views.Length];
        long sampleTotal = 0;
        for (int s = 0; s < views.Length; s++)
        {
            strides[s] = HistogramSampling.Stride(lengths[s], histogramLimit);
            long sampled = HistogramSampling.Counted(lengths[s], strides[s]);
            sampleOffsets[s] = -1;
            if (strides[s] > 1 && !views[s].IsDouble && sampleTotal + sampled <= maxGathered)
            {
                sampleOffsets[s] = sampleTotal;
                sampleTotal += sampled;
            }
        }

        float[] samples = ArrayPool<float>.Shared.Rent((int)sampleTotal);
        try
        {
            return Reduce(views, lengths, bins, companions, measures, chunks, total, strides, sampleOffsets, samples, out updates);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(samples);
        }
    }

    // The two passes, given the chunks, each tensor's histogram stride and where its gathered sample goes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Moments[] Moments, double[] Counts) Reduce(HostView[] views, long[] lengths, int bins, (HostView View, UpdateReads Reads)?[]? companions, bool measures, List<(int Segment, long Start, long Length)> chunks, long total, long[] strides, long[] sampleOffsets, float[] samples, out (double Update, double Weight)[] updates)
    {
        var chunkMoments = new Moments[chunks.Count];
        var chunkUpdates = companions is null ? null : new (double Update, double Weight)[chunks.Count];
        Chunking.Run(chunks.Count, total, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
        {
            var (s, start, length) = chunks[c];
            var view = views[s];
            chunkMoments[c] = view.IsDouble
                ? MomentsKernel.Compute(view.Doubles + start, length, view.Doubles[0])
                : MomentsKernel.Compute(view.Floats + start, length, view.Floats[0]);
            if (companions?[s] is ({ } then, var reads))
            {
                // The snapshot holds the measured elements one after another (all of them when every one is read):
                // those among this chunk's elements are its read elements `at` … at + count − 1.
                long at = reads.ReadsBefore(start);
                long count = reads.ReadsBefore(start + length) - at;
                chunkUpdates![c] = (view.IsDouble, measures) switch
                {
                    (true, true) => UpdateNormKernel.ComputeAndKeep(view.Doubles, reads, at, then.Doubles + at, count),
                    (false, true) => UpdateNormKernel.ComputeAndKeep(view.Floats, reads, at, then.Floats + at, count),
                    (true, false) => UpdateNormKernel.Copy(view.Doubles, reads, at, then.Doubles + at, count),
                    (false, false) => UpdateNormKernel.Copy(view.Floats, reads, at, then.Floats + at, count),
                };
            }

            if (sampleOffsets[s] >= 0)
            {
                long histogramStride = strides[s];
                var (first, count) = ShareOfSample(start, length, histogramStride);
                fixed (float* sample = samples)
                {
                    StridedCopy.Gather(view.Floats + first, histogramStride, sample + sampleOffsets[s] + (first / histogramStride), count);
                }
            }
        });

        var moments = new Moments[views.Length];
        for (int s = 0; s < moments.Length; s++)
        {
            moments[s] = Moments.Empty;
        }

        updates = new (double, double)[views.Length];
        for (int c = 0; c < chunks.Count; c++)
        {
            moments[chunks[c].Segment].Add(chunkMoments[c]);
            if (chunkUpdates is not null)
            {
                ref var update = ref updates[chunks[c].Segment];
                update = (update.Update + chunkUpdates[c].Update, update.Weight + chunkUpdates[c].Weight);
            }
        }

        // Scales with the device path's arithmetic, in the elements' type. A segment with a non-finite value is
        // recomputed by the robust row, so its buckets are not counted.
        var scales = new double[views.Length];
        var counted = new bool[views.Length];
        for (int s = 0; s < views.Length; s++)
        {
            var m = moments[s];
            counted[s] = lengths[s] > 0 && double.IsFinite(m.ShiftedSum) && double.IsFinite(m.ShiftedSquares) && double.IsFinite(m.Min) && double.IsFinite(m.Max);
            scales[s] = views[s].IsDouble
                ? 1.0 / Math.Max(m.Max - m.Min, 1e-30) * bins
                : 1f / MathF.Max((float)m.Max - (float)m.Min, 1e-30f) * bins;
        }

        // The bucket pass runs over chunks of the counted elements, not of the tensors: a tensor above the histogram
        // limit is one chunk of its sample, one set of count tables to clear and add up, not one per 64K elements of
        // the tensor. Counts are integers, so chunk order cannot change the result.
        var countedLengths = new long[views.Length];
        for (int s = 0; s < views.Length; s++)
        {
            countedLengths[s] = counted[s] ? HistogramSampling.Counted(lengths[s], strides[s]) : 0;
        }

        var countChunks = Chunking.Split(countedLengths, ChunkLength(bins));
        int tableLength = UniformHistogramKernel.Tables * bins;
        int[] tables = ArrayPool<int>.Shared.Rent(Math.Max(1, countChunks.Count * tableLength));
        var tablesUsed = new int[countChunks.Count];
        try
        {
            Chunking.Run(countChunks.Count, countedLengths.Sum(), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
            {
                // The chunk holds counted elements start, start + 1, … of its segment: indexes start·stride, ….
                var (s, start, count) = countChunks[c];
                long stride = strides[s];

                // A run shorter than the kernel's block counts into the first table only (a model's many biases
                // then clear and combine one table each, not one per lane), and so does a run counted in pairs.
                var view = views[s];
                tablesUsed[c] = UniformHistogramKernel.TablesUsed(count, view.IsDouble, bins);
                tables.AsSpan(c * tableLength, tablesUsed[c] * bins).Clear();
                fixed (int* counts = &tables[c * tableLength])
                fixed (float* sample = samples)
                {
                    if (sampleOffsets[s] >= 0)
                    {
                        UniformHistogramKernel.Count(sample + sampleOffsets[s] + start, count, (float)moments[s].Min, (float)scales[s], bins, counts);
                    }
                    else if (view.IsDouble)
                    {
                        UniformHistogramKernel.Count(view.Doubles + (start * stride), count, stride, moments[s].Min, scales[s], bins, counts);
                    }
                    else
                    {
                        UniformHistogramKernel.Count(view.Floats + (start * stride), count, stride, (float)moments[s].Min, (float)scales[s], bins, counts);
                    }
                }
            });

            var histograms = ArrayPool<double>.Shared.Rent(views.Length * bins);
            histograms.AsSpan(0, views.Length * bins).Clear();
            for (int c = 0; c < countChunks.Count; c++)
            {
                // The chunk's tables are added up as integers a vector at a time, then widened once: converting and
                // adding every table's every bucket to a double was ~10 µs a sample step for a model of 36 tensors.
                var first = tables.AsSpan(c * tableLength, bins);
                for (int t = 1; t < tablesUsed[c]; t++)
                {
                    AddInto(first, tables.AsSpan((c * tableLength) + (t * bins), bins));
                }

                var histogram = histograms.AsSpan(countChunks[c].Segment * bins, bins);
                for (int k = 0; k < bins; k++)
                {
                    histogram[k] += first[k];
                }
            }

            for (int s = 0; s < views.Length; s++)
            {
                if (counted[s] && strides[s] > 1)
                {
                    HistogramSampling.Scale(histograms.AsSpan(s * bins, bins), lengths[s], HistogramSampling.Counted(lengths[s], strides[s]));
                }
            }

            return (moments, histograms);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(tables);
        }
    }

    // sum[k] += table[k] for every k, a vector at a time. A chunk counts fewer than 2^31 elements, so no sum overflows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddInto(Span<int> sum, ReadOnlySpan<int> table)
    {
        int width = Vector<int>.Count, k = 0;
        for (; sum.Length - k >= width; k += width)
        {
            (new Vector<int>(sum[k..]) + new Vector<int>(table[k..])).CopyTo(sum[k..]);
        }

        for (; k < sum.Length; k++)
        {
            sum[k] += table[k];
        }
    }

    // The sampled elements (indexes that are multiples of stride) among elements start … start + length − 1: the first
    // one's index and how many.
    private static (long First, long Count) ShareOfSample(long start, long length, long stride)
    {
        long first = (start + stride - 1) / stride * stride;
        return (first, first < start + length ? ((start + length - 1 - first) / stride) + 1 : 0);
    }
}
