using System.Numerics;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Counts the elements of a contiguous run whose distance from a centre exceeds a limit, |x − centre| &gt; limit, in
/// the elements' own type: the arithmetic of <see cref="Saturation.Count"/>'s libtorch ops (a float32 tensor minus a
/// scalar is rounded to float32, and a comparison with a scalar is made in the tensor's dtype), so the counts are
/// equal. NaN is never counted (every comparison with it is false), ±∞ always.
/// </summary>
internal static unsafe class SaturationKernel
{
    // Per-lane counts are kept in the elements' own type, exact up to 2^24 in float32: a block's lanes are carried into
    // a long well before.
    private const long Block = 1 << 20;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per sample step: no slow first tiers
    public static long Count<T>(T* data, long length, T centre, T limit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = 0;
        int width = Vector<T>.Count;
        var centres = new Vector<T>(centre);
        var limits = new Vector<T>(limit);
        long i = 0;
        while (length - i >= width)
        {
            long end = Math.Min(length, i + Block);
            var lanes = Vector<T>.Zero;
            for (; end - i >= width; i += width)
            {
                var beyond = Vector.GreaterThan(Vector.Abs(Unsafe.ReadUnaligned<Vector<T>>(data + i) - centres), limits);
                lanes += Vector.ConditionalSelect(beyond, Vector<T>.One, Vector<T>.Zero);
            }

            count += long.CreateTruncating(Vector.Sum(lanes));
        }

        for (; i < length; i++)
        {
            count += T.Abs(data[i] - centre) > limit ? 1 : 0;
        }

        return count;
    }
}
