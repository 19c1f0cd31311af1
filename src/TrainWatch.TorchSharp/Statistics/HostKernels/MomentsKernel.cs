using System.Numerics;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Computes <see cref="Moments"/> over a contiguous run of float32 or float64 elements in one vectorised pass.
/// </summary>
/// <remarks>
/// Lanes add in the elements' own type over short blocks of <see cref="Block"/> elements (two accumulators per
/// statistic, so the adds of consecutive vectors do not wait on each other); each block's lanes are then widened into
/// float64 accumulators. A float32 lane so adds only sixteen values before they are carried in float64: the sums are
/// far more accurate than one float32 reduction over the tensor (which loses digits once Σ(x − shift) grows large
/// against the spread), at the cost of a widen per block, not per element. Min and max are one native instruction a vector
/// (<see cref="Lanes.Min{T}"/>): <c>Vector.Min</c> on .NET 9 and later follows IEEE 754's minimum (NaN and −0
/// handling), several instructions a vector, which this pass need not pay: NaN needs no care here (see below). Zeros are
/// counted by subtracting the comparison masks as integers. NaN and ±∞ are not looked for: they make the
/// sums non-finite, which sends the tensor to the robust row.
/// </remarks>
internal static unsafe class MomentsKernel
{
    private const int Block = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs a few times per sample step: no slow first tiers
    public static Moments Compute<T>(T* data, long length, T shift)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = Moments.Empty;
        int width = Vector<T>.Count;
        var shiftVector = new Vector<T>(shift);
        // Two of each extreme as of each sum: a min waits for the previous one, so one chain would set the pace.
        var minimum0 = new Vector<T>(T.PositiveInfinity);
        var minimum1 = minimum0;
        var maximum0 = new Vector<T>(T.NegativeInfinity);
        var maximum1 = maximum0;
        var sums = Vector<double>.Zero;
        var squares = Vector<double>.Zero;
        double zeros = 0;
        long i = 0;
        while (length - i >= 2 * width)
        {
            long end = Math.Min(length, i + Block);
            var sum0 = Vector<T>.Zero;
            var sum1 = Vector<T>.Zero;
            var squares0 = Vector<T>.Zero;
            var squares1 = Vector<T>.Zero;

            // A lane that compares equal to zero is all ones, −1 as an integer of the lane's width: subtracting the
            // masks counts zeros in two instructions a vector. A block adds at most Block / width per lane.
            var zeroLanes = Vector<T>.Zero;
            for (; end - i >= 2 * width; i += 2 * width)
            {
                var a = Unsafe.ReadUnaligned<Vector<T>>(data + i);
                var b = Unsafe.ReadUnaligned<Vector<T>>(data + i + width);
                var da = a - shiftVector;
                var db = b - shiftVector;
                sum0 += da;
                sum1 += db;
                squares0 = Lanes.AddSquare(squares0, da);
                squares1 = Lanes.AddSquare(squares1, db);
                minimum0 = Lanes.Min(a, minimum0);
                minimum1 = Lanes.Min(b, minimum1);
                maximum0 = Lanes.Max(a, maximum0);
                maximum1 = Lanes.Max(b, maximum1);
                zeroLanes = Lanes.SubtractMasks(zeroLanes, Vector.Equals(a, Vector<T>.Zero), Vector.Equals(b, Vector<T>.Zero));
            }

            sums += Lanes.Widened(sum0 + sum1);
            squares += Lanes.Widened(squares0 + squares1);
            zeros += Lanes.CountOfMasks(zeroLanes);
        }

        result.ShiftedSum = Vector.Sum(sums);
        result.ShiftedSquares = Vector.Sum(squares);
        result.Zeros = zeros;
        var minimum = Lanes.Min(minimum1, minimum0);
        var maximum = Lanes.Max(maximum1, maximum0);
        for (int lane = 0; lane < width; lane++)
        {
            result.Min = Math.Min(result.Min, double.CreateTruncating(minimum[lane]));
            result.Max = Math.Max(result.Max, double.CreateTruncating(maximum[lane]));
        }

        for (; i < length; i++)
        {
            T x = data[i];
            double d = double.CreateTruncating(x - shift);
            result.ShiftedSum += d;
            result.ShiftedSquares += double.CreateTruncating((x - shift) * (x - shift));
            result.Min = Math.Min(result.Min, double.CreateTruncating(x));
            result.Max = Math.Max(result.Max, double.CreateTruncating(x));
            result.Zeros += x == T.Zero ? 1 : 0;
        }

        return result;
    }
}
