using System.Numerics;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Sampling.HostKernels;

/// <summary>
/// Counts a run of elements into uniform buckets over [min, max] with exactly the arithmetic of the device path
/// (<see cref="DeviceStatistics.FastRow"/>): position = (x − min) · scale in the elements' type, truncated, clamped
/// to the first and last bucket.
/// </summary>
/// <remarks>
/// The bucket indexes of float32 data are computed a vector at a time; the increments go to four interleaved count
/// tables, so that consecutive equal buckets (common: most weights sit in the middle buckets) do not wait on each
/// other's store. The count buffer holds the four tables, 4 × bins ints, summed by the caller.
/// </remarks>
internal static unsafe class UniformHistogramKernel
{
    /// <summary>Tables in a count buffer.</summary>
    public const int Tables = 4;

    public static void Count(float* data, long length, float min, float scale, int bins, int* counts)
    {
        int width = Vector<float>.Count;
        var minVector = new Vector<float>(min);
        var scaleVector = new Vector<float>(scale);
        var last = new Vector<int>(bins - 1);
        int* c0 = counts, c1 = counts + bins, c2 = counts + 2 * bins, c3 = counts + 3 * bins;
        long i = 0;
        for (; length - i >= width; i += width)
        {
            var position = (Unsafe.ReadUnaligned<Vector<float>>(data + i) - minVector) * scaleVector;

            // Truncation (positions are ≥ 0); NaN converts to int.MinValue and lands in bucket 0 (its tensor's row is
            // recomputed robustly anyway), so every index stays inside the table.
            var bucket = Vector.Min(Vector.Max(Vector.ConvertToInt32(position), Vector<int>.Zero), last);
            for (int lane = 0; lane < width; lane += Tables)
            {
                c0[bucket[lane]]++;
                c1[bucket[lane + 1]]++;
                c2[bucket[lane + 2]]++;
                c3[bucket[lane + 3]]++;
            }
        }

        for (; i < length; i++)
        {
            c0[Bucket((data[i] - min) * scale, bins)]++;
        }
    }

    public static void Count(double* data, long length, double min, double scale, int bins, int* counts)
    {
        int* c0 = counts, c1 = counts + bins;
        long i = 0;
        for (; length - i >= 2; i += 2)
        {
            c0[Bucket((data[i] - min) * scale, bins)]++;
            c1[Bucket((data[i + 1] - min) * scale, bins)]++;
        }

        for (; i < length; i++)
        {
            c0[Bucket((data[i] - min) * scale, bins)]++;
        }
    }

    private static int Bucket(double position, int bins) =>
        position >= 0 ? (int)Math.Min(position, bins - 1) : 0; // NaN fails the test and goes to bucket 0
}
