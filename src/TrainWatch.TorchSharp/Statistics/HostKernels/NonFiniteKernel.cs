using System.Numerics;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Counts the NaN and the ±∞ elements of a contiguous run in one vectorised pass: what <c>isnan().sum()</c> and
/// <c>isinf().sum()</c> give, without the two boolean tensors and four libtorch ops.
/// </summary>
internal static unsafe class NonFiniteKernel
{
    // Per-lane counts are kept in the elements' own type, exact up to 2^24 in float32: a block's lanes are carried into
    // a long well before.
    private const long Block = 1 << 20;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per sample step: no slow first tiers
    public static (long NaN, long Infinite) Count<T>(T* data, long length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long nan = 0, infinite = 0;
        int width = Vector<T>.Count;
        var infinity = new Vector<T>(T.PositiveInfinity);
        long i = 0;
        while (length - i >= width)
        {
            long end = Math.Min(length, i + Block);
            var nanLanes = Vector<T>.Zero;
            var infiniteLanes = Vector<T>.Zero;
            for (; end - i >= width; i += width)
            {
                var x = Unsafe.ReadUnaligned<Vector<T>>(data + i);

                // NaN is the one value unequal to itself; |x| = +∞ holds for both infinities and for nothing else.
                nanLanes += Vector.ConditionalSelect(Vector.Equals(x, x), Vector<T>.Zero, Vector<T>.One);
                infiniteLanes += Vector.ConditionalSelect(Vector.Equals(Vector.Abs(x), infinity), Vector<T>.One, Vector<T>.Zero);
            }

            nan += long.CreateTruncating(Vector.Sum(nanLanes));
            infinite += long.CreateTruncating(Vector.Sum(infiniteLanes));
        }

        for (; i < length; i++)
        {
            nan += T.IsNaN(data[i]) ? 1 : 0;
            infinite += T.IsInfinity(data[i]) ? 1 : 0;
        }

        return (nan, infinite);
    }
}
