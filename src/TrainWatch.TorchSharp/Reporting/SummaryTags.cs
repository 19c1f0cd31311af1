using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TrainWatch.RunFormat;

namespace TrainWatch.TorchSharp.Reporting;

/// <summary>
/// The tags of a layer's per-sample summaries, made once per layer and kept: every sample step writes the same tags
/// (eight scalars and a histogram per weight and gradient, up to six scalars and a histogram per output), and making
/// each anew costs two strings per value on the training thread, where summaries are built (docs/reliability.md).
/// </summary>
/// <remarks>Bounded by the model: one entry per watched parameter and measured output. Safe from any thread.</remarks>
internal sealed class SummaryTags
{
    /// <summary>Index of each tag in <see cref="Weight"/> and <see cref="Gradient"/>.</summary>
    public const int Norm = 0, Mean = 1, Std = 2, Min = 3, Max = 4, ZeroFraction = 5, NaNCount = 6, InfCount = 7, Histogram = 8;

    /// <summary>Index of each tag in <see cref="Activation"/>.</summary>
    public const int OutputMean = 0, OutputStd = 1, OutputZeroFraction = 2, OutputDeadUnits = 3, OutputNaNCount = 4, OutputInfCount = 5, OutputHistogram = 6;

    private static readonly string[] s_tensorStatistics =
        [TensorStatistic.Norm, TensorStatistic.Mean, TensorStatistic.Std, TensorStatistic.Min, TensorStatistic.Max, TensorStatistic.ZeroFraction, TensorStatistic.NaNCount, TensorStatistic.InfCount];

    private static readonly string[] s_outputStatistics =
        [TensorStatistic.Mean, TensorStatistic.Std, TensorStatistic.ZeroFraction, TensorStatistic.DeadUnits, TensorStatistic.NaNCount, TensorStatistic.InfCount];

    // Read without a lock (the training thread builds summaries; any thread may): a layer's tags are made once.
    private readonly ConcurrentDictionary<string, string[]> _weights = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _gradients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _activations = new(StringComparer.Ordinal);

    /// <summary>A weight's statistic tags, then its histogram's (indexes: <see cref="Norm"/> … <see cref="Histogram"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string[] Weight(string parameter) => Get(_weights, parameter, static p =>
        [.. s_tensorStatistics.Select(s => LayerTags.WeightStatistic(s, p)), LayerTags.WeightHistogram(p)]);

    /// <summary>A gradient's statistic tags, then its histogram's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string[] Gradient(string parameter) => Get(_gradients, parameter, static p =>
        [.. s_tensorStatistics.Select(s => LayerTags.GradientStatistic(s, p)), LayerTags.GradientHistogram(p)]);

    /// <summary>An output's statistic tags, then its histogram's (indexes: <see cref="OutputMean"/> … <see cref="OutputHistogram"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string[] Activation(string output) => Get(_activations, output, static o =>
        [.. s_outputStatistics.Select(s => LayerTags.ActivationStatistic(s, o)), LayerTags.ActivationHistogram(o)]);

    private static string[] Get(ConcurrentDictionary<string, string[]> cache, string name, Func<string, string[]> make) =>
        cache.TryGetValue(name, out var tags) ? tags : cache.GetOrAdd(name, make);
}
