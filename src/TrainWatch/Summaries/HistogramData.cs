using System.Runtime.CompilerServices;

namespace TrainWatch.Summaries;

/// <summary>
/// A histogram already reduced to buckets — for example on a GPU — ready to be written. Bucket <c>i</c> spans
/// <c>Edges[i]</c>..<c>Edges[i+1]</c>; only the counts and five statistics ever leave the device.
/// </summary>
/// <param name="Edges">Bucket edges, increasing; one more than <paramref name="Counts"/>.</param>
/// <param name="Counts">Values per bucket.</param>
/// <param name="Min">Smallest finite value.</param>
/// <param name="Max">Largest finite value.</param>
/// <param name="Sum">Sum of the finite values.</param>
/// <param name="SumOfSquares">Sum of their squares.</param>
public sealed record HistogramData(double[] Edges, double[] Counts, double Min, double Max, double Sum, double SumOfSquares)
{
    /// <summary>The number of values counted.</summary>
    public double Count => Counts.Sum();

    /// <summary>Checks shape and ordering; a clear message instead of a file TensorBoard misreads.</summary>
    /// <exception cref="ArgumentException">The buckets are inconsistent.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Validate()
    {
        if (Edges is null || Counts is null || Counts.Length == 0 || Edges.Length != Counts.Length + 1)
        {
            throw new ArgumentException($"A histogram needs k counts and k + 1 edges (got {Counts?.Length ?? 0} counts and {Edges?.Length ?? 0} edges).");
        }

        for (int i = 1; i < Edges.Length; i++)
        {
            if (!(Edges[i] > Edges[i - 1]))
            {
                throw new ArgumentException($"Histogram edges must increase (edge {i} is {Edges[i]}, edge {i - 1} is {Edges[i - 1]}).");
            }
        }

        foreach (double c in Counts)
        {
            if (!(c >= 0) || double.IsInfinity(c))
            {
                throw new ArgumentException($"Histogram counts must be finite and not negative (found {c}).");
            }
        }
    }
}
