using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// How the host kernels share work between cores: tensors cut into chunks (a chunk never spans two tensors), run on
/// the thread pool when there is enough of them, each chunk's result kept apart so that the caller combines them in
/// chunk order and the result does not depend on thread scheduling.
/// </summary>
internal static class Chunking
{
    /// <summary>
    /// Below this many elements in all, the work stays on the calling thread: waking the pool's threads costs more
    /// than a second core saves on less work (the trace behind it: docs/benchmarks.md, "Behind the code").
    /// </summary>
    public const long ParallelThreshold = 1L << 21;

    /// <summary>The chunks of tensors <paramref name="lengths"/> long, at most <paramref name="chunkElements"/> each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<(int Segment, long Start, long Length)> Split(IReadOnlyList<long> lengths, long chunkElements)
    {
        var chunks = new List<(int, long, long)>();
        for (int s = 0; s < lengths.Count; s++)
        {
            for (long start = 0; start < lengths[s]; start += chunkElements)
            {
                chunks.Add((s, start, Math.Min(chunkElements, lengths[s] - start)));
            }
        }

        return chunks;
    }

    /// <summary>Runs <paramref name="body"/> for 0..count−1: on the pool when <paramref name="totalElements"/> is large enough.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int count, long totalElements, Action<int> body)
    {
        if (totalElements >= ParallelThreshold && count > 1)
        {
            Parallel.For(0, count, body);
            return;
        }

        for (int i = 0; i < count; i++)
        {
            body(i);
        }
    }
}
