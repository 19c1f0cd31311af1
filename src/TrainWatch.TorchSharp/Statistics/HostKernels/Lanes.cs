using System.Numerics;
using System.Runtime.CompilerServices;

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
}
