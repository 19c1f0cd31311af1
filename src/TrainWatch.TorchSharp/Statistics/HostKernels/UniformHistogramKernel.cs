using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Counts a run of elements into uniform buckets over [min, max] with exactly the arithmetic of the device path
/// (<see cref="DeviceStatistics.FastRow"/>): position = (x − min) · scale in the elements' type, truncated, clamped
/// to the first and last bucket.
/// </summary>
/// <remarks>
/// The bucket indexes of float32 data are computed a vector at a time, and each lane increments a count table of its
/// own: weights crowd into the middle buckets, and increments of one bucket in one table would each wait for the
/// previous one's store; with a table per lane, consecutive increments of a table are a whole vector apart. Block must
/// be a multiple of the vector width (8 or 16 floats), which 512 is. The count
/// buffer holds <see cref="Tables"/> tables of bins ints, summed by the caller.
/// Counted elements are every stride-th one from the first (<see cref="HistogramSampling"/>): a strided block is first
/// gathered into a small buffer, so both kinds of run share the vector part.
/// <para>A float32 run of at least <see cref="PairRunMinimum"/> elements into at most <see cref="MaxPairBins"/> buckets
/// counts pairs instead: element k and element k + width of each two vectors make one slot a · bins + b of a
/// bins × bins table, so one increment counts two elements, and the table's row and column sums are the two elements'
/// buckets. Counting is exact either way. The pair table costs a clear and a fold of bins² cells per run, which a run
/// of ~8K elements pays back: the same runs of normal values counted into 64 buckets (pairs) and 65 (per-lane tables)
/// measured 0.38 against 0.44 ns an element at 8K, 0.34 against 0.54 at 16K, 0.31 against 0.44 at 64K, and 0.67 against
/// 0.58 at 4K, below the threshold (best of 9 rounds of repeated counts on a loaded machine, 2026-12-07; the comparison <c>HistogramKernelBenchmarks</c> runs).</para>
/// </remarks>
[SkipLocalsInit] // the block buffers are written before they are read: zeroing 4 KB per call cost more than small runs' counting
internal static unsafe class UniformHistogramKernel
{
    /// <summary>Tables in a count buffer: one per float32 lane.</summary>
    public static int Tables => Vector<float>.Count;

    /// <summary>Buckets up to which float32 runs are counted in pairs: the pair table, 64 × 64 ints, is 16 KB, in L1 beside the block buffers.</summary>
    public const int MaxPairBins = 64;

    /// <summary>Elements from which a float32 run is counted in pairs: below it, folding the pair table costs more than the pairs save.</summary>
    public const long PairRunMinimum = 8192;

    /// <summary>
    /// How many of a count buffer's tables (from the first) a run of <paramref name="count"/> elements writes: float32
    /// runs use all of them once they fill a block, else only the first (the short run is counted one element at a
    /// time, a run counted in pairs folds its pairs into the first); float64 runs alternate between two.
    /// </summary>
    public static int TablesUsed(long count, bool isDouble, int bins) =>
        isDouble ? 2 : CountsPairs(count, bins) ? 1 : count >= Block ? Tables : 1;

    private static bool CountsPairs(long count, int bins) => count >= PairRunMinimum && bins <= MaxPairBins;

    // Bucket slots are computed for a block at a time into a small buffer, then counted by a plain unrolled loop: the
    // vector part stays in registers and the counting loop is a load, an increment and a store per element.
    private const int Block = 512;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs a few times per sample step: no slow first tiers
    public static void Count(float* data, long length, float min, float scale, int bins, int* counts) =>
        Count(data, length, 1, min, scale, bins, counts);

    /// <summary>Counts <paramref name="count"/> elements: data[0], data[stride], data[2·stride], ….</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(float* data, long count, long stride, float min, float scale, int bins, int* counts)
    {
        if (CountsPairs(count, bins))
        {
            CountPairs(data, count, stride, min, scale, bins, counts);
            return;
        }

        int width = Vector<float>.Count;
        var minVector = new Vector<float>(min);
        var scaleVector = new Vector<float>(scale);
        var last = new Vector<int>(bins - 1);

        // Lane k's table starts at k × bins: one vector add turns the lanes' buckets into their tables' slots.
        int* bases = stackalloc int[width];
        for (int lane = 0; lane < width; lane++)
        {
            bases[lane] = lane * bins;
        }

        var tableBase = Unsafe.ReadUnaligned<Vector<int>>(bases);
        int* slots = stackalloc int[Block];
        float* gathered = stackalloc float[Block];
        long i = 0;
        for (; count - i >= Block; i += Block)
        {
            float* block = BlockAt(data, i, stride, gathered);
            for (int k = 0; k < Block; k += width)
            {
                Unsafe.WriteUnaligned(slots + k, Buckets(Unsafe.ReadUnaligned<Vector<float>>(block + k), minVector, scaleVector, last) + tableBase);
            }

            Increment(slots, Block, counts);
        }

        CountEach(data, i, count, stride, min, scale, bins, counts);
    }

    // Element k and element k + width of each pair of vectors share one increment of a bins × bins table (slot
    // a · bins + b); the table's row sums are the first elements' counts and its column sums the second's. The rest
    // of the run, shorter than a block, is counted one element at a time into the first table.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountPairs(float* data, long count, long stride, float min, float scale, int bins, int* counts)
    {
        int width = Vector<float>.Count;
        var minVector = new Vector<float>(min);
        var scaleVector = new Vector<float>(scale);
        var last = new Vector<int>(bins - 1);
        var binsVector = new Vector<int>(bins);
        int cells = bins * bins;
        int* pairs = stackalloc int[cells];
        new Span<int>(pairs, cells).Clear();
        int* slots = stackalloc int[Block / 2];
        float* gathered = stackalloc float[Block];
        long i = 0;
        for (; count - i >= Block; i += Block)
        {
            float* block = BlockAt(data, i, stride, gathered);
            int* slot = slots;
            for (int k = 0; k < Block; k += 2 * width, slot += width)
            {
                var first = Buckets(Unsafe.ReadUnaligned<Vector<float>>(block + k), minVector, scaleVector, last);
                var second = Buckets(Unsafe.ReadUnaligned<Vector<float>>(block + k + width), minVector, scaleVector, last);
                Unsafe.WriteUnaligned(slot, (first * binsVector) + second);
            }

            Increment(slots, Block / 2, pairs);
        }

        CountEach(data, i, count, stride, min, scale, bins, counts);
        FoldPairs(pairs, bins, counts);
    }

    // The Block counted elements from the i-th on: in place when they are consecutive, else gathered into `gathered`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* BlockAt(float* data, long i, long stride, float* gathered)
    {
        if (stride == 1)
        {
            return data + i;
        }

        float* from = data + (i * stride);
        for (int k = 0; k < Block; k++)
        {
            gathered[k] = from[k * stride];
        }

        return gathered;
    }

    // Each lane's bucket: (x − min) · scale truncated and clamped to [0, bins − 1] (`last` holds bins − 1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> Buckets(Vector<float> values, Vector<float> min, Vector<float> scale, Vector<int> last) =>
        Vector.Min(Vector.Max(Truncated((values - min) * scale), Vector<int>.Zero), last);

    // counts[slot]++ for each of `length` slots (a multiple of 8). Eight slots read, then eight increments: with each
    // read between two increments, the processor could not start a read before the store ahead of it was resolved
    // (they might be the same address, as far as it knew), and the loop ran at ~0.63 ns an element against ~0.42 so
    // (16K floats, 2026-12-07).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Increment(int* slots, int length, int* counts)
    {
        for (int* slot = slots, end = slots + length; slot < end; slot += 8)
        {
            int s0 = slot[0], s1 = slot[1], s2 = slot[2], s3 = slot[3], s4 = slot[4], s5 = slot[5], s6 = slot[6], s7 = slot[7];
            counts[s0]++;
            counts[s1]++;
            counts[s2]++;
            counts[s3]++;
            counts[s4]++;
            counts[s5]++;
            counts[s6]++;
            counts[s7]++;
        }
    }

    // Elements from..count − 1 (fewer than a block), one at a time into the first table.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountEach(float* data, long from, long count, long stride, float min, float scale, int bins, int* counts)
    {
        for (long i = from; i < count; i++)
        {
            counts[Bucket((data[i * stride] - min) * scale, bins)]++;
        }
    }

    // counts[a] += Σ_b pairs[a, b] (first elements) and counts[b] += Σ_a pairs[a, b] (second elements), a row at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldPairs(int* pairs, int bins, int* counts)
    {
        int width = Vector<int>.Count;
        int* columns = stackalloc int[bins];
        new Span<int>(columns, bins).Clear();
        for (int a = 0; a < bins; a++)
        {
            int* row = pairs + (a * bins);
            var rowSums = Vector<int>.Zero;
            int b = 0;
            for (; bins - b >= width; b += width)
            {
                var cells = Unsafe.ReadUnaligned<Vector<int>>(row + b);
                rowSums += cells;
                Unsafe.WriteUnaligned(columns + b, Unsafe.ReadUnaligned<Vector<int>>(columns + b) + cells);
            }

            int rowSum = Vector.Sum(rowSums);
            for (; b < bins; b++)
            {
                rowSum += row[b];
                columns[b] += row[b];
            }

            counts[a] += rowSum;
        }

        for (int b = 0; b < bins; b++)
        {
            counts[b] += columns[b];
        }
    }

    public static void Count(double* data, long length, double min, double scale, int bins, int* counts) =>
        Count(data, length, 1, min, scale, bins, counts);

    /// <summary>Counts <paramref name="count"/> elements: data[0], data[stride], data[2·stride], ….</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(double* data, long count, long stride, double min, double scale, int bins, int* counts)
    {
        int* c0 = counts, c1 = counts + bins;
        long i = 0;
        for (; count - i >= 2; i += 2)
        {
            c0[Bucket((data[i * stride] - min) * scale, bins)]++;
            c1[Bucket((data[(i + 1) * stride] - min) * scale, bins)]++;
        }

        for (; i < count; i++)
        {
            c0[Bucket((data[i * stride] - min) * scale, bins)]++;
        }
    }

    // Positions truncated to integers. Positions are ≥ 0 and at most about bins (the elements lie in [min, max]); NaN
    // becomes int.MinValue here (0 where the conversion saturates) and so lands in bucket 0 (its tensor's row is
    // recomputed robustly anyway): every slot stays inside its table. On AVX one cvttps2dq: Vector.ConvertToInt32
    // saturates since .NET 9, several instructions more a vector.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> Truncated(Vector<float> position) =>
        Avx.IsSupported && Vector<byte>.Count == 32
            ? Avx.ConvertToVector256Int32WithTruncation(position.AsVector256()).AsVector()
            : Vector.ConvertToInt32(position);

    private static int Bucket(double position, int bins) =>
        position >= 0 ? (int)Math.Min(position, bins - 1) : 0; // NaN fails the test and goes to bucket 0
}
