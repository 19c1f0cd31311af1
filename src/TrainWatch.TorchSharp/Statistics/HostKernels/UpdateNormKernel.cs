using System.Numerics;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Σ(now − before)² and Σbefore² over a contiguous run of two same-typed arrays, in one vectorised pass: the update
/// ratio's two norms without the difference, the float64 copies and the separate reductions the libtorch ops need.
/// Lanes add short blocks in the elements' type, then carry them in float64 (as <see cref="MomentsKernel"/>).
/// </summary>
internal static unsafe class UpdateNormKernel
{
    private const int Block = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per sample step: no slow first tiers
    public static (double Update, double Weight) Compute<T>(T* now, T* before, long length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        var updates = Vector<double>.Zero;
        var weights = Vector<double>.Zero;
        long i = 0;
        while (length - i >= width)
        {
            long end = Math.Min(length, i + Block);
            var update = Vector<T>.Zero;
            var weight = Vector<T>.Zero;
            for (; end - i >= width; i += width)
            {
                var b = Unsafe.ReadUnaligned<Vector<T>>(before + i);
                var d = Unsafe.ReadUnaligned<Vector<T>>(now + i) - b;
                update += d * d;
                weight += b * b;
            }

            updates += Lanes.Widened(update);
            weights += Lanes.Widened(weight);
        }

        double u = Vector.Sum(updates), w = Vector.Sum(weights);
        for (; i < length; i++)
        {
            double d = double.CreateTruncating(now[i]) - double.CreateTruncating(before[i]);
            double b = double.CreateTruncating(before[i]);
            u += d * d;
            w += b * b;
        }

        return (u, w);
    }
}
