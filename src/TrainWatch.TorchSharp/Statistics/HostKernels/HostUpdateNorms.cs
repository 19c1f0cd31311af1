using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// The update ratio's norms (‖w_now − w_then‖, ‖w_then‖ per weight) of CPU weights, read in place by
/// <see cref="UpdateNormKernel"/> over chunks of all weights on every core; optionally writing w_now over w_then in
/// the same pass (the next update's snapshot).
/// </summary>
internal static unsafe class HostUpdateNorms
{
    private const long Chunk = 1L << 16;

    /// <summary>
    /// [‖now₀ − then₀‖, ‖then₀‖, ‖now₁ − then₁‖, …]; null, with nothing read or written, when a pair differs in its
    /// number of elements or in float64 against float32 (a weight that changed since its snapshot). With
    /// <paramref name="keepNow"/>, each <c>then</c> tensor is overwritten with its <c>now</c>: it must be what
    /// <see cref="HostView"/> reads in place (contiguous float32 or float64), else null too.
    /// </summary>
    public static double[]? Compute(IReadOnlyList<Tensor> now, IReadOnlyList<Tensor> then, bool keepNow = false)
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
            // Written in place only: a converted copy of the snapshot would take the new weights and be dropped.
            if (nowViews[t].Length != thenViews[t].Length || nowViews[t].IsDouble != thenViews[t].IsDouble
                || (keepNow && !ReferenceEquals(thenViews[t].Tensor, then[t])))
            {
                return null;
            }

            lengths[t] = nowViews[t].Length;
            total += lengths[t];
        }

        var chunks = Chunking.Split(lengths, Chunk);
        var partial = new (double Update, double Weight)[chunks.Count];
        Chunking.Run(chunks.Count, total, c =>
        {
            var (t, start, length) = chunks[c];
            partial[c] = (nowViews[t].IsDouble, keepNow) switch
            {
                (true, false) => UpdateNormKernel.Compute(nowViews[t].Doubles + start, thenViews[t].Doubles + start, length),
                (true, true) => UpdateNormKernel.ComputeAndKeep(nowViews[t].Doubles + start, thenViews[t].Doubles + start, length),
                (false, false) => UpdateNormKernel.Compute(nowViews[t].Floats + start, thenViews[t].Floats + start, length),
                (false, true) => UpdateNormKernel.ComputeAndKeep(nowViews[t].Floats + start, thenViews[t].Floats + start, length),
            };
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
