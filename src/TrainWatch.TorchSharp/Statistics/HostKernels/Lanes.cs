using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>Vector helpers shared by the kernels.</summary>
internal static class Lanes
{
    /// <summary>
    /// A block's lanes carried into float64: float32 lanes widen into two float64 vectors, added together (the lane a
    /// value came from does not matter, only that it is carried in float64 from here on).
    /// </summary>
    public static Vector<double> Widened<T>(Vector<T> lanes)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<Vector<T>, Vector<double>>(ref lanes);
        }

        Vector.Widen(Unsafe.As<Vector<T>, Vector<float>>(ref lanes), out var low, out var high);
        return low + high;
    }

    /// <summary>
    /// Lane-wise <c>a &lt; b ? a : b</c>: the second operand when either is NaN, +0 against −0 as given. One <c>vminps</c>
    /// (or <c>vminpd</c>) on AVX, where <c>Vector.Min</c> pays for IEEE 754's NaN and signed-zero rules on .NET 9 and
    /// later and a compare-and-select is two instructions; the same lanes either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Min<T>(Vector<T> a, Vector<T> b)
        where T : unmanaged
    {
        if (Avx.IsSupported && Vector<byte>.Count == 32)
        {
            if (typeof(T) == typeof(float))
            {
                return Avx.Min(a.AsVector256().AsSingle(), b.AsVector256().AsSingle()).As<float, T>().AsVector();
            }

            if (typeof(T) == typeof(double))
            {
                return Avx.Min(a.AsVector256().AsDouble(), b.AsVector256().AsDouble()).As<double, T>().AsVector();
            }
        }

        return Vector.ConditionalSelect(Vector.LessThan(a, b), a, b);
    }

    /// <summary>Lane-wise <c>a &gt; b ? a : b</c>, as <see cref="Min{T}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Max<T>(Vector<T> a, Vector<T> b)
        where T : unmanaged
    {
        if (Avx.IsSupported && Vector<byte>.Count == 32)
        {
            if (typeof(T) == typeof(float))
            {
                return Avx.Max(a.AsVector256().AsSingle(), b.AsVector256().AsSingle()).As<float, T>().AsVector();
            }

            if (typeof(T) == typeof(double))
            {
                return Avx.Max(a.AsVector256().AsDouble(), b.AsVector256().AsDouble()).As<double, T>().AsVector();
            }
        }

        return Vector.ConditionalSelect(Vector.GreaterThan(a, b), a, b);
    }

    /// <summary>
    /// <paramref name="counts"/> − <paramref name="first"/> − <paramref name="second"/> with every lane read as an
    /// integer of its own width: comparison masks (all ones, −1) subtracted from lane counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> SubtractMasks<T>(Vector<T> counts, Vector<T> first, Vector<T> second)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            var wide = Vector.AsVectorInt64(counts) - Vector.AsVectorInt64(first) - Vector.AsVectorInt64(second);
            return Unsafe.As<Vector<long>, Vector<T>>(ref wide);
        }

        var narrow = Vector.AsVectorInt32(counts) - Vector.AsVectorInt32(first) - Vector.AsVectorInt32(second);
        return Unsafe.As<Vector<int>, Vector<T>>(ref narrow);
    }

    /// <summary>The sum of lane counts made by <see cref="SubtractMasks{T}"/>.</summary>
    public static double CountOfMasks<T>(Vector<T> counts)
        where T : unmanaged =>
        typeof(T) == typeof(double) ? Vector.Sum(Vector.AsVectorInt64(counts)) : Vector.Sum(Vector.AsVectorInt32(counts));

    /// <summary>
    /// <paramref name="sum"/> + <paramref name="a"/> · <paramref name="a"/> lane-wise: one fused instruction where FMA
    /// is available (rounded once, so at least as accurate as the multiply and add it replaces).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> AddSquare<T>(Vector<T> sum, Vector<T> a)
        where T : unmanaged
    {
        if (Fma.IsSupported && Vector<byte>.Count == 32)
        {
            if (typeof(T) == typeof(float))
            {
                var x = a.AsVector256().AsSingle();
                return Fma.MultiplyAdd(x, x, sum.AsVector256().AsSingle()).As<float, T>().AsVector();
            }

            if (typeof(T) == typeof(double))
            {
                var x = a.AsVector256().AsDouble();
                return Fma.MultiplyAdd(x, x, sum.AsVector256().AsDouble()).As<double, T>().AsVector();
            }
        }

        return sum + (a * a);
    }
}
