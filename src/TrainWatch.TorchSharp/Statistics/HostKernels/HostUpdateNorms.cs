using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// The update ratio's norms (‖w_now − w_then‖, ‖w_then‖ per weight) of CPU weights, read in place by
/// <see cref="UpdateNormKernel"/> over chunks of all weights on every core. (At a sample step the weights' statistics
/// pass does this work instead, writing the next snapshot as it goes: <see cref="SnapshotPass"/>.)
/// </summary>
internal static unsafe class HostUpdateNorms
{
    private const long Chunk = 1L << 16;

    /// <summary>
    /// [‖now₀ − then₀‖, ‖then₀‖, ‖now₁ − then₁‖, …] over the elements each snapshot holds (those
    /// <paramref name="reads"/>[t] says of its weight, <see cref="UpdateSampling"/>); null, with nothing read or written,
    /// when a pair differs in its number of elements or in float64 against float32 (a weight that changed since its
    /// snapshot).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[]? Compute(IReadOnlyList<Tensor> now, IReadOnlyList<Tensor> then, IReadOnlyList<UpdateReads> reads)
    {
        using var scope = NewDisposeScope();
        var nowViews = new HostView[now.Count];
        var thenViews = new HostView[now.Count];
        var lengths = new long[now.Count];
        long total = 0;
        for (int t = 0; t < nowViews.Length; t++)
        {
            nowViews[t] = HostView.Of(now[t]);
            thenViews[t] = HostView.Of(then[t]);
            if (!reads[t].Matches(nowViews[t].Length, thenViews[t].Length) || nowViews[t].IsDouble != thenViews[t].IsDouble)
            {
                return null;
            }

            // Chunks run over the snapshot's elements: a sampled weight's chunk reads its runs, a period apart in the weight.
            lengths[t] = thenViews[t].Length;
            total += lengths[t];
        }

        var chunks = Chunking.Split(lengths, Chunk);
        var partial = new (double Update, double Weight)[chunks.Count];
        Chunking.Run(chunks.Count, total, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
        {
            var (t, start, length) = chunks[c];
            partial[c] = nowViews[t].IsDouble
                ? UpdateNormKernel.Compute(nowViews[t].Doubles, reads[t], start, thenViews[t].Doubles + start, length)
                : UpdateNormKernel.Compute(nowViews[t].Floats, reads[t], start, thenViews[t].Floats + start, length);
        });

        var sums = new double[2 * nowViews.Length];
        for (int c = 0; c < chunks.Count; c++)
        {
            sums[2 * chunks[c].Segment] += partial[c].Update;
            sums[2 * chunks[c].Segment + 1] += partial[c].Weight;
        }

        for (int k = 0; k < sums.Length; k++)
        {
            sums[k] = Math.Sqrt(sums[k]);
        }

        return sums;
    }
}
