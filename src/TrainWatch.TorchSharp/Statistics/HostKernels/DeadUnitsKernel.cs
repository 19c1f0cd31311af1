using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Counts the units of a contiguous <c>[before, units, after]</c> tensor that are exactly zero everywhere — the same
/// rule as the device path (largest and smallest value both zero; a NaN keeps a unit alive).
/// </summary>
internal static unsafe class DeadUnitsKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Count<T>(T* data, long before, long units, long after)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        return after == 1 ? CountLastAxis(data, before, units) : CountInnerAxis(data, before, units, after);
    }

    // [rows, units]: a row's elements are the units side by side, so "seen nonzero" flags are OR-ed a vector at a
    // time, row after row. A flag is all ones (a NaN bit pattern) or zero, never anything else.
    // The flags come from the pool: a hook measures every layer's output, and a new array per call was a third of
    // what a sampled forward pass allocated (a kilobyte for a 256-unit layer).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountLastAxis<T>(T* data, long rows, long units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rented = ArrayPool<T>.Shared.Rent(checked((int)units));
        try
        {
            var seen = rented.AsSpan(0, (int)units);
            seen.Clear();
            return CountLastAxis(data, rows, units, seen);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    // Stops as soon as every unit has been seen nonzero, which in a healthy layer is within the first rows: a
    // transformer's [T, N, D] output was read whole, a third of its hook's time (issue 26). `settled` is the first
    // unit not yet seen nonzero; it only moves forward, so the checks cost one pass over the flags in all, and
    // a layer with a dead unit (read to the end, as it must be) pays one comparison a row for them.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountLastAxis<T>(T* data, long rows, long units, Span<T> seen)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        long settled = 0;
        fixed (T* flags = seen)
        {
            for (long row = 0; row < rows && settled < units; row++)
            {
                T* values = data + row * units;
                long u = settled - settled % width; // every unit before `settled` is already alive
                for (; units - u >= width; u += width)
                {
                    var nonzero = Vector.OnesComplement(Vector.Equals(Unsafe.ReadUnaligned<Vector<T>>(values + u), Vector<T>.Zero));
                    Unsafe.WriteUnaligned(flags + u, Unsafe.ReadUnaligned<Vector<T>>(flags + u) | nonzero);
                }

                for (; u < units; u++)
                {
                    if (values[u] != T.Zero)
                    {
                        flags[u] = T.NaN;
                    }
                }

                settled = FirstUnseen(flags, settled, units);
            }
        }

        long dead = 0;
        foreach (var flag in seen)
        {
            dead += T.IsNaN(flag) ? 0 : 1;
        }

        return dead;
    }

    // The first flag from `from` on that is still zero (`units` when there is none).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long FirstUnseen<T>(T* flags, long from, long units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        long u = from;
        while (units - u >= width && !Vector.EqualsAny(Unsafe.ReadUnaligned<Vector<T>>(flags + u), Vector<T>.Zero))
        {
            u += width;
        }

        while (u < units && T.IsNaN(flags[u]))
        {
            u++;
        }

        return u;
    }

    // [before, units, after] with after > 1 (channels of an image batch): each unit is a run of `after` elements per
    // entry of `before`; a unit is alive as soon as one run has a nonzero value, so most units are settled after one run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountInnerAxis<T>(T* data, long before, long units, long after)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long dead = 0;
        for (long u = 0; u < units; u++)
        {
            bool alive = false;
            for (long b = 0; b < before && !alive; b++)
            {
                alive = AnyNonzero(data + (b * units + u) * after, after);
            }

            dead += alive ? 0 : 1;
        }

        return dead;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AnyNonzero<T>(T* values, long length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        long i = 0;
        for (; length - i >= width; i += width)
        {
            if (!Vector.EqualsAll(Unsafe.ReadUnaligned<Vector<T>>(values + i), Vector<T>.Zero))
            {
                return true;
            }
        }

        for (; i < length; i++)
        {
            if (values[i] != T.Zero)
            {
                return true;
            }
        }

        return false;
    }
}
