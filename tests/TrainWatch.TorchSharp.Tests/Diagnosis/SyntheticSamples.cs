using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;

namespace TrainWatch.TorchSharp.Tests.Diagnosis;

/// <summary>Host-side samples built from chosen numbers, to test the alert rules without training anything.</summary>
internal static class SyntheticSamples
{
    /// <summary>A 2-D tensor's statistics with the given L2 norm (all values equal).</summary>
    public static TensorStats Matrix(double norm, long numel = 64) => Stats(norm, numel, rank: 2);

    public static TensorStats Stats(double norm, long numel, int rank)
    {
        // A fast row with shift 0: Σd² is Σx², so the norm is exactly what is asked for.
        double value = norm / Math.Sqrt(numel);
        double[] row = [0, value * numel, norm * norm, value, value, 0, 1, 0, 0, 0];
        return TensorStats.FromFastRow(row, new RowShape(numel, numel, 0, UnitAxis.None, rank))!;
    }

    /// <summary>A sample of named layers' gradient norms, with a loss and a learning rate.</summary>
    public static SampleData Sample(long step, double? loss, double lr, params (string Name, double GradientNorm)[] layers) =>
        new(step, loss, layers.Select(l => new ParameterSample(l.Name, Matrix(1), Matrix(l.GradientNorm))).ToList(), [], null, [("", lr)], double.NaN);
}
