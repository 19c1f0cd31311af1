using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Σ(now − before)² and Σbefore² over a weight's measured elements — every element, every stride-th, or runs of
/// consecutive ones a period apart (<see cref="UpdateReads"/>, above the limit: <see cref="UpdateSampling"/>) — against
/// the contiguous values of its snapshot, in one pass: the update ratio's two norms without the difference, the float64
/// copies and the separate reductions the libtorch ops need. Vectorised: lanes add short blocks in the elements' type,
/// then carry them in float64 (as <see cref="MomentsKernel"/>); a block whose float32 lanes overflowed — the squares of
/// weights past ~1e19, in a diverging run, which made the ratio NaN on this path alone until 2026-12-07 — is added again
/// in float64, as the device path adds it. <see cref="ComputeAndKeep{T}(T*, UpdateReads, long, T*, long)"/> also writes the elements
/// over <c>before</c> in the same pass, so that the next update's snapshot costs no second read of the weights.
/// </summary>
[SkipLocalsInit] // the stack blocks are written before they are read: no need to clear them at every call
internal static unsafe class UpdateNormKernel
{
    private const int Block = 256;

    // The two sums over count elements a stride apart (every one at 1); before is left as it is.
    private static (double Update, double Weight) Compute<T>(T* now, long stride, T* before, long count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        stride == 1 ? Run<T, Leave>(now, before, count) : Strided<T, Leave>(now, stride, before, count);

    // The two sums, and before overwritten with the count elements.
    private static (double Update, double Weight) ComputeAndKeep<T>(T* now, long stride, T* before, long count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        stride == 1 ? Run<T, Keep>(now, before, count) : Strided<T, Keep>(now, stride, before, count);

    /// <summary>
    /// The two sums over read elements <paramref name="first"/> … first + count − 1 of a weight read as
    /// <paramref name="reads"/> says (<see cref="UpdateReads"/>); <paramref name="weight"/> is the weight's first element,
    /// <paramref name="before"/> the snapshot's element <paramref name="first"/>, left as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Update, double Weight) Compute<T>(T* weight, UpdateReads reads, long first, T* before, long count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        reads.Run == 1 ? Compute(weight + (first * reads.Stride), reads.Stride, before, count) : Runs<T, Leave>(weight, reads, first, before, count);

    /// <summary>As <see cref="Compute{T}(T*, UpdateReads, long, T*, long)"/>, and the elements written over <paramref name="before"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Update, double Weight) ComputeAndKeep<T>(T* weight, UpdateReads reads, long first, T* before, long count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        reads.Run == 1 ? ComputeAndKeep(weight + (first * reads.Stride), reads.Stride, before, count) : Runs<T, Keep>(weight, reads, first, before, count);

    /// <summary>Copies read elements <paramref name="first"/> … first + count − 1 into the snapshot (<paramref name="to"/> is its element <paramref name="first"/>); (0, 0).</summary>
    /// <remarks>A sample step's snapshot when no update is measured (every sample but consecutive ones): as fast as the run loop of <see cref="Runs{T, TKeep}"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Update, double Weight) Copy<T>(T* weight, UpdateReads reads, long first, T* to, long count)
        where T : unmanaged
    {
        if (reads.Run == 1)
        {
            StridedCopy.Gather(weight + (first * reads.Stride), reads.Stride, to, count);
            return (0, 0);
        }

        return CopyRuns(weight, reads, first, to, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Update, double Weight) CopyRuns<T>(T* weight, UpdateReads reads, long first, T* to, long count)
        where T : unmanaged
    {
        long run = reads.Run, period = reads.Period;
        T* from = weight + reads.ElementOf(first);
        long piece = Math.Min(run - (first % run), count);
        for (long left = count; left > 0;)
        {
            Prefetch(from + (PrefetchRuns * period));
            long j = 0;
            for (; piece - j >= Vector<byte>.Count / sizeof(T); j += Vector<byte>.Count / sizeof(T))
            {
                Unsafe.WriteUnaligned(to + j, Unsafe.ReadUnaligned<Vector<byte>>(from + j));
            }

            for (; j < piece; j++)
            {
                to[j] = from[j];
            }

            from += piece - run + period; // the next run's start (the first piece may have begun inside its run)
            to += piece;
            left -= piece;
            piece = Math.Min(run, left);
        }

        return (0, 0);
    }

    // TKeep is a struct, so the JIT compiles one body per choice with the store in or out: no branch in the loop.
    // A block's lanes add in the elements' type and are checked before they are carried: a block whose float32 sums
    // overflowed (weights past ~1e19 in a diverging run) is added again in float64, element by element, as the device
    // path adds it, from the block's old snapshot values, which Keep sets aside on the stack as it writes over them.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per sample step: no slow first tiers
    private static (double Update, double Weight) Run<T, TKeep>(T* now, T* before, long length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKeep : struct, IKeepChoice
    {
        int width = Vector<T>.Count;
        T* then = stackalloc T[Block]; // the block's snapshot as it was, while Keep writes over it
        var updates = Vector<double>.Zero;
        var weights = Vector<double>.Zero;
        double u = 0, w = 0;
        long i = 0;
        while (length - i >= width)
        {
            long start = i;
            long end = Math.Min(length, i + Block);
            var update = Vector<T>.Zero;
            var weight = Vector<T>.Zero;
            for (; end - i >= width; i += width)
            {
                var b = Unsafe.ReadUnaligned<Vector<T>>(before + i);
                var n = Unsafe.ReadUnaligned<Vector<T>>(now + i);
                var d = n - b;
                update = Lanes.AddSquare(update, d);
                weight = Lanes.AddSquare(weight, b);
                if (TKeep.Keeps)
                {
                    Unsafe.WriteUnaligned(then + (i - start), b);
                    Unsafe.WriteUnaligned(before + i, n);
                }
            }

            var blockUpdates = Lanes.Widened(update);
            var blockWeights = Lanes.Widened(weight);
            if (AreFinite(blockUpdates) && AreFinite(blockWeights))
            {
                updates += blockUpdates;
                weights += blockWeights;
            }
            else
            {
                var (blockUpdate, blockWeight) = Exactly(now + start, TKeep.Keeps ? then : before + start, i - start);
                u += blockUpdate;
                w += blockWeight;
            }
        }

        u += Vector.Sum(updates);
        w += Vector.Sum(weights);
        var (tailUpdate, tailWeight) = Exactly(now + i, before + i, length - i);
        if (TKeep.Keeps)
        {
            new ReadOnlySpan<T>(now + i, (int)(length - i)).CopyTo(new Span<T>(before + i, (int)(length - i)));
        }

        return (u + tailUpdate, w + tailWeight);
    }

    // Whether every lane is finite: x − x is 0 for a finite x and NaN for ±∞ and NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AreFinite(Vector<double> lanes) => Vector.EqualsAll(lanes - lanes, Vector<double>.Zero);

    // The two sums over a block whose lanes overflowed, or the tail after the last whole vector, in float64 element by
    // element; before is left as it is.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every weight's tail, at every sample step
    private static (double Update, double Weight) Exactly<T>(T* now, T* before, long count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double u = 0, w = 0;
        for (long j = 0; j < count; j++)
        {
            double b = double.CreateTruncating(before[j]);
            double d = double.CreateTruncating(now[j]) - b;
            u += d * d;
            w += b * b;
        }

        return (u, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Update, double Weight) Strided<T, TKeep>(T* now, long stride, T* before, long count)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKeep : struct, IKeepChoice
    {
        // Scalar, in float64; but four sums of each kind, not one: with a single pair every element waited for the
        // previous one's addition, and at a small stride (5, say, where every cache line is read anyway) that made
        // the sampled measurement slower than the vectorised pass over the whole weight it replaces. AVX2 gathers
        // were tried (2026-12-07): faster with the weights in cache (8 × 65K at stride 5: 65 against 82 µs), but
        // slower from memory, where the measurement usually reads them (48 × 65K at stride 5 after a 64 MB sweep:
        // 1.5–2.2 against 1.04 ms): the core's prefetcher follows this loop's constant stride, not the gathers.
        double u0 = 0, u1 = 0, u2 = 0, u3 = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0;
        long j = 0;
        for (; count - j >= 4; j += 4)
        {
            T n0 = now[j * stride], n1 = now[(j + 1) * stride], n2 = now[(j + 2) * stride], n3 = now[(j + 3) * stride];
            double b0 = double.CreateTruncating(before[j]), b1 = double.CreateTruncating(before[j + 1]);
            double b2 = double.CreateTruncating(before[j + 2]), b3 = double.CreateTruncating(before[j + 3]);
            double d0 = double.CreateTruncating(n0) - b0, d1 = double.CreateTruncating(n1) - b1;
            double d2 = double.CreateTruncating(n2) - b2, d3 = double.CreateTruncating(n3) - b3;
            u0 += d0 * d0;
            u1 += d1 * d1;
            u2 += d2 * d2;
            u3 += d3 * d3;
            w0 += b0 * b0;
            w1 += b1 * b1;
            w2 += b2 * b2;
            w3 += b3 * b3;
            if (TKeep.Keeps)
            {
                before[j] = n0;
                before[j + 1] = n1;
                before[j + 2] = n2;
                before[j + 3] = n3;
            }
        }

        double u = (u0 + u1) + (u2 + u3), w = (w0 + w1) + (w2 + w3);
        for (; j < count; j++)
        {
            T value = now[j * stride];
            double b = double.CreateTruncating(before[j]);
            double d = double.CreateTruncating(value) - b;
            u += d * d;
            w += b * b;
            if (TKeep.Keeps)
            {
                before[j] = value;
            }
        }

        return (u, w);
    }

    // Runs of consecutive elements (UpdateReads.Run > 1), a run or the part of one at a time: each read contiguously, a
    // vector at a time, the difference taken in the elements' type and both squares added in float64, as the device path
    // adds them (a float32 lane could overflow in a diverging run; a run is too short for blocks worth checking). Only
    // the first piece's place is divided out: then the pointers step a period and a run at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Update, double Weight) Runs<T, TKeep>(T* weight, UpdateReads reads, long first, T* before, long count)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKeep : struct, IKeepChoice
    {
        // Two sums of each kind (a float32 vector widens to two float64 ones; doubles go two vectors at a time): with one,
        // every vector's additions waited for the previous ones'.
        Vector<double> updates0 = default, weights0 = default, updates1 = default, weights1 = default;
        double u = 0, w = 0;
        long run = reads.Run, period = reads.Period;
        T* now = weight + reads.ElementOf(first);
        T* then = before;
        long piece = Math.Min(run - (first % run), count);
        for (long left = count; left > 0;)
        {
            Prefetch(now + (PrefetchRuns * period));
            long j = 0;
            if (typeof(T) == typeof(float))
            {
                int width = Vector<float>.Count;
                for (; piece - j >= width; j += width)
                {
                    var n = Unsafe.ReadUnaligned<Vector<float>>((float*)now + j);
                    var b = Unsafe.ReadUnaligned<Vector<float>>((float*)then + j);
                    Vector.Widen(n - b, out var d0, out var d1);
                    Vector.Widen(b, out var b0, out var b1);
                    updates0 += d0 * d0;
                    updates1 += d1 * d1;
                    weights0 += b0 * b0;
                    weights1 += b1 * b1;
                    if (TKeep.Keeps)
                    {
                        Unsafe.WriteUnaligned((float*)then + j, n);
                    }
                }
            }
            else if (typeof(T) == typeof(double))
            {
                int width = Vector<double>.Count;
                for (; piece - j >= 2 * width; j += 2 * width)
                {
                    var n0 = Unsafe.ReadUnaligned<Vector<double>>((double*)now + j);
                    var b0 = Unsafe.ReadUnaligned<Vector<double>>((double*)then + j);
                    var n1 = Unsafe.ReadUnaligned<Vector<double>>((double*)now + j + width);
                    var b1 = Unsafe.ReadUnaligned<Vector<double>>((double*)then + j + width);
                    var d0 = n0 - b0;
                    var d1 = n1 - b1;
                    updates0 += d0 * d0;
                    updates1 += d1 * d1;
                    weights0 += b0 * b0;
                    weights1 += b1 * b1;
                    if (TKeep.Keeps)
                    {
                        Unsafe.WriteUnaligned((double*)then + j, n0);
                        Unsafe.WriteUnaligned((double*)then + j + width, n1);
                    }
                }
            }

            for (; j < piece; j++)
            {
                T value = now[j];
                double b = double.CreateTruncating(then[j]);
                double d = double.CreateTruncating(value - then[j]);
                u += d * d;
                w += b * b;
                if (TKeep.Keeps)
                {
                    then[j] = value;
                }
            }

            // The next run starts a period after this one's start (the first piece may have begun inside its run).
            now += piece - run + period;
            then += piece;
            left -= piece;
            piece = Math.Min(run, left);
        }

        return (u + Vector.Sum(updates0 + updates1), w + Vector.Sum(weights0 + weights1));
    }

    // Runs a period apart are lines with gaps between them, which the core's prefetchers, following a stream of
    // adjacent lines, did not fetch ahead: from memory the runs read slower than single elements a stride apart, whose
    // lines are all adjacent (48 weights of 256 × 256 after a 64 MB sweep: 1.2–1.4 against 0.8–0.9 ms). So each run
    // asks for the one this many periods ahead (a prefetch past the weight's end is harmless: it never faults).
    private const int PrefetchRuns = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(void* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }

    private interface IKeepChoice
    {
        static abstract bool Keeps { get; }
    }

    private readonly struct Leave : IKeepChoice
    {
        public static bool Keeps => false;
    }

    private readonly struct Keep : IKeepChoice
    {
        public static bool Keeps => true;
    }
}
