using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Element counts of a CPU tensor read in place (<see cref="SaturationKernel"/>, <see cref="NonFiniteKernel"/>), over
/// chunks on every core when the tensor is large. Only float32 and float64 tensors laid out contiguously are read:
/// they are what a forward pass produces, and anything else (a half-precision or strided tensor) would need a copy
/// and, for half precision, arithmetic in its own dtype to count exactly as libtorch does, so the callers keep the
/// libtorch ops for it.
/// </summary>
internal static unsafe class HostCounts
{
    private const long Chunk = 1L << 16;

    /// <summary>
    /// Whether the counts here apply to <paramref name="values"/>: a contiguous float32 or float64 CPU tensor. The
    /// caller has checked that it lives on the host (<see cref="HostView.Applies"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Reads(Tensor values) =>
        values.dtype is ScalarType.Float32 or ScalarType.Float64 && values.is_contiguous();

    /// <summary>Elements with |x − centre| &gt; limit, compared in the tensor's dtype (see <see cref="Reads"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Beyond(Tensor values, double centre, double limit)
    {
        var view = HostView.Of(values); // no copy: Reads held
        var partial = new long[Chunks(view.Length)];
        Chunking.Run(partial.Length, view.Length, c =>
        {
            var (start, length) = ChunkAt(c, view.Length);
            partial[c] = view.IsDouble
                ? SaturationKernel.Count(view.Doubles + start, length, centre, limit)
                : SaturationKernel.Count(view.Floats + start, length, (float)centre, (float)limit);
        });

        return partial.Sum();
    }

    /// <summary>The NaN and the ±∞ elements of <paramref name="values"/> (see <see cref="Reads"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (long NaN, long Infinite) NonFinite(Tensor values)
    {
        var view = HostView.Of(values); // no copy: Reads held
        var partial = new (long NaN, long Infinite)[Chunks(view.Length)];
        Chunking.Run(partial.Length, view.Length, c =>
        {
            var (start, length) = ChunkAt(c, view.Length);
            partial[c] = view.IsDouble
                ? NonFiniteKernel.Count(view.Doubles + start, length)
                : NonFiniteKernel.Count(view.Floats + start, length);
        });

        long nan = 0, infinite = 0;
        foreach (var (n, i) in partial)
        {
            nan += n;
            infinite += i;
        }

        return (nan, infinite);
    }

    private static int Chunks(long length) => (int)((length + Chunk - 1) / Chunk);

    private static (long Start, long Length) ChunkAt(int chunk, long length)
    {
        long start = chunk * Chunk;
        return (start, Math.Min(Chunk, length - start));
    }
}
