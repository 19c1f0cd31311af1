namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// Every stride-th element of a run into a contiguous buffer: a tensor's histogram sample (<see cref="HistogramSampling"/>)
/// and a weight's update-ratio snapshot read one element at a time (<see cref="UpdateReads"/> with runs of 1).
/// </summary>
internal static unsafe class StridedCopy
{
    /// <summary>to[j] = from[j · stride] for j below <paramref name="count"/>; one block copy at stride 1.</summary>
    public static void Gather<T>(T* from, long stride, T* to, long count)
        where T : unmanaged
    {
        if (stride == 1)
        {
            long bytes = count * sizeof(T);
            Buffer.MemoryCopy(from, to, bytes, bytes);
            return;
        }

        for (long j = 0; j < count; j++)
        {
            to[j] = from[j * stride];
        }
    }
}
