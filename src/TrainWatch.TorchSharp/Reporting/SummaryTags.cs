using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;

namespace TrainWatch.TorchSharp.Reporting;

/// <summary>
/// The tags of a layer's per-sample summaries, made once per layer and kept: every sample step writes the same tags
/// (eight scalars and a histogram per weight and gradient, up to six scalars and a histogram per output, an update
/// ratio per weight), and making each anew costs two strings per value on the training thread, where summaries are
/// built (docs/reliability.md). Kept checked and in UTF-8 (<see cref="PreparedTag"/>), so that the encoder looks
/// nothing up per value.
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

    /// <summary>The run's loss, global gradient norm and speed, written at every sample step like the layers' tags.</summary>
    public static readonly PreparedTag Loss = new(RunTags.Loss), GlobalGradientNorm = new(RunTags.GlobalGradientNorm), StepsPerSecond = new(RunTags.StepsPerSecond);

    // Read without a lock (the training thread builds summaries; any thread may): a layer's tags are made once.
    private readonly ConcurrentDictionary<string, PreparedTag[]> _weights = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PreparedTag[]> _gradients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PreparedTag[]> _activations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PreparedTag> _updateRatios = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PreparedTag> _learningRates = new(StringComparer.Ordinal);

    /// <summary>A weight's statistic tags, then its histogram's (indexes: <see cref="Norm"/> … <see cref="Histogram"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PreparedTag[] Weight(string parameter) => Get(_weights, parameter, static p =>
        Prepare([.. s_tensorStatistics.Select(s => LayerTags.WeightStatistic(s, p)), LayerTags.WeightHistogram(p)]));

    /// <summary>A gradient's statistic tags, then its histogram's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PreparedTag[] Gradient(string parameter) => Get(_gradients, parameter, static p =>
        Prepare([.. s_tensorStatistics.Select(s => LayerTags.GradientStatistic(s, p)), LayerTags.GradientHistogram(p)]));

    /// <summary>An output's statistic tags, then its histogram's (indexes: <see cref="OutputMean"/> … <see cref="OutputHistogram"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PreparedTag[] Activation(string output) => Get(_activations, output, static o =>
        Prepare([.. s_outputStatistics.Select(s => LayerTags.ActivationStatistic(s, o)), LayerTags.ActivationHistogram(o)]));

    /// <summary>A weight's update-ratio tag (<see cref="LayerTags.UpdateRatio"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PreparedTag UpdateRatio(string parameter) => Get(_updateRatios, parameter, static p => new PreparedTag(LayerTags.UpdateRatio(p)));

    /// <summary>A parameter group's learning-rate tag (<see cref="RunTags.LearningRate"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PreparedTag LearningRate(string group) => Get(_learningRates, group, static g => new PreparedTag(RunTags.LearningRate(g)));

    private static PreparedTag[] Prepare(string[] tags) => [.. tags.Select(t => new PreparedTag(t))];

    private static T Get<T>(ConcurrentDictionary<string, T> cache, string name, Func<string, T> make) =>
        cache.TryGetValue(name, out var tags) ? tags : cache.GetOrAdd(name, make);
}
