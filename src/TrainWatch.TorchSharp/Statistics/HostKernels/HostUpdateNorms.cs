using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics.HostKernels;

/// <summary>
/// The update ratio's norms (‖w_now − w_then‖, ‖w_then‖ per weight) of CPU weights, read in place by
/// <see cref="UpdateNormKernel"/> over chunks of all weights on every core.
/// </summary>
internal static unsafe class HostUpdateNorms
{
    private const long Chunk = 1L << 16;

    /// <summary>[‖now₀ − then₀‖, ‖then₀‖, ‖now₁ − then₁‖, …]; each pair of tensors must have the same shape.</summary>
    public static double[] Compute(IReadOnlyList<Tensor> now, IReadOnlyList<Tensor> then)
    {
        using var scope = NewDisposeScope();
        var nowViews = now.Select(HostView.Of).ToArray();
        var thenViews = then.Select(HostView.Of).ToArray();
        for (int t = 0; t < nowViews.Length; t++)
        {
            if (nowViews[t].Length != thenViews[t].Length || nowViews[t].IsDouble != thenViews[t].IsDouble)
            {
                throw new InvalidOperationException($"Weight {t} changed shape or dtype between the snapshot and the update.");
            }
        }

        var chunks = Chunking.Split(nowViews.Select(v => v.Length).ToArray(), Chunk);

        var partial = new (double Update, double Weight)[chunks.Count];
        Chunking.Run(chunks.Count, nowViews.Sum(v => v.Length), c =>
        {
            var (t, start, length) = chunks[c];
            partial[c] = nowViews[t].IsDouble
                ? UpdateNormKernel.Compute(nowViews[t].Doubles + start, thenViews[t].Doubles + start, length)
                : UpdateNormKernel.Compute(nowViews[t].Floats + start, thenViews[t].Floats + start, length);
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
