using System.Numerics;
using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Inspection;

/// <summary>
/// Counts a CPU tensor's elements whose magnitude is below its dtype's smallest normal value (zeros included, NaN
/// not), in place and in one vectorised pass: the host-kernel twin of the device count in <see cref="TensorReadings"/>,
/// so a CPU model's check runs no libtorch op, whose OpenMP threads are what a shared machine slows down most.
/// </summary>
internal static unsafe class HostBelowNormalCount
{
    // Per-lane counts are kept in the elements' own type, exact up to 2^24 in float32: a block's lanes are carried into
    // a long well before.
    private const long Block = 1 << 20;

    /// <summary>The count for <paramref name="values"/>, a CPU tensor (converted first when the host kernels need it).</summary>
    public static long Of(Tensor values)
    {
        using var scope = NewDisposeScope();
        var view = HostView.Of(values);

        // A float16 or bfloat16 tensor is read as its float32 copy, which holds the same values exactly; the limit
        // stays the original dtype's.
        return view.IsDouble
            ? Count(view.Doubles, view.Length, SmallestNormal.Double)
            : Count(view.Floats, view.Length, values.dtype == ScalarType.Float16 ? SmallestNormal.Half : SmallestNormal.Single);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once, at attach: no slow first tiers
    private static long Count<T>(T* data, long length, T limit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = 0;
        int width = Vector<T>.Count;
        var limits = new Vector<T>(limit);
        long i = 0;
        while (length - i >= width)
        {
            long end = Math.Min(length, i + Block);
            var lanes = Vector<T>.Zero;
            for (; end - i >= width; i += width)
            {
                var below = Vector.LessThan(Vector.Abs(Unsafe.ReadUnaligned<Vector<T>>(data + i)), limits);
                lanes += Vector.ConditionalSelect(below, Vector<T>.One, Vector<T>.Zero);
            }

            count += long.CreateTruncating(Vector.Sum(lanes));
        }

        for (; i < length; i++)
        {
            count += T.Abs(data[i]) < limit ? 1 : 0;
        }

        return count;
    }

    /// <summary>The smallest normal magnitude of each dtype, as the host compares it.</summary>
    private static class SmallestNormal
    {
        public const double Double = 2.2250738585072014e-308; // 2^-1022

        public const float Single = 1.17549435e-38f; // 2^-126, also bfloat16's

        public const float Half = 6.1035156e-05f; // 2^-14
    }
}
