namespace TrainWatch.RunFormat;

/// <summary>
/// The per-layer tags the TorchSharp watcher writes and <c>trainwatch</c> reads. The kind comes first and the layer
/// second, because TensorBoard groups charts by the first path segment: one section then compares every layer's
/// gradient norm, another every layer's update ratio.
/// </summary>
public static class LayerTags
{
    /// <summary>Prefix of the weight histograms: <c>weights/&lt;parameter&gt;</c>.</summary>
    public const string WeightHistogramPrefix = "weights/";

    /// <summary>Prefix of the gradient histograms: <c>grads/&lt;parameter&gt;</c>.</summary>
    public const string GradientHistogramPrefix = "grads/";

    /// <summary>Prefix of the module output histograms: <c>activations/&lt;module&gt;</c>.</summary>
    public const string ActivationHistogramPrefix = "activations/";

    /// <summary>Prefix of the update ratios ‖Δw‖/‖w‖: <c>update_ratio/&lt;parameter&gt;</c>.</summary>
    public const string UpdateRatioPrefix = "update_ratio/";

    /// <summary>Prefix of the activation history pictures: <c>activation_history/&lt;module&gt;</c>.</summary>
    public const string ActivationHistoryPrefix = "activation_history/";

    /// <summary>Prefix of the gradient history pictures: <c>gradient_history/&lt;parameter&gt;</c>.</summary>
    public const string GradientHistoryPrefix = "gradient_history/";

    /// <summary>Suffix of the NaN count the core's histogram writer adds beside a histogram that left NaN out: <c>&lt;tag&gt;/nan_count</c>.</summary>
    public const string HistogramNaNCountSuffix = "/nan_count";

    /// <summary>Suffix of the +∞ count beside a histogram: <c>&lt;tag&gt;/pos_inf_count</c>.</summary>
    public const string HistogramPositiveInfinityCountSuffix = "/pos_inf_count";

    /// <summary>Suffix of the −∞ count beside a histogram: <c>&lt;tag&gt;/neg_inf_count</c>.</summary>
    public const string HistogramNegativeInfinityCountSuffix = "/neg_inf_count";

    /// <summary>The three suffixes above: NaN, +∞, −∞.</summary>
    public static IReadOnlyList<string> HistogramNonFiniteSuffixes { get; } =
        [HistogramNaNCountSuffix, HistogramPositiveInfinityCountSuffix, HistogramNegativeInfinityCountSuffix];

    /// <summary>Histogram of a parameter's weights.</summary>
    public static string WeightHistogram(string parameter) => WeightHistogramPrefix + parameter;

    /// <summary>Histogram of a parameter's gradient.</summary>
    public static string GradientHistogram(string parameter) => GradientHistogramPrefix + parameter;

    /// <summary>Histogram of a module's output.</summary>
    public static string ActivationHistogram(string module) => ActivationHistogramPrefix + module;

    /// <summary>‖Δw‖/‖w‖ of a parameter for one optimizer step.</summary>
    public static string UpdateRatio(string parameter) => UpdateRatioPrefix + parameter;

    /// <summary>Prefix of one statistic of every parameter's weights: <c>weight_norm/</c> for <see cref="TensorStatistic.Norm"/>.</summary>
    public static string WeightStatisticPrefix(string statistic) => $"weight_{statistic}/";

    /// <summary>Prefix of one statistic of every parameter's gradient: <c>grad_norm/</c>.</summary>
    public static string GradientStatisticPrefix(string statistic) => $"grad_{statistic}/";

    /// <summary>Prefix of one statistic of every module's output: <c>activation_mean/</c>.</summary>
    public static string ActivationStatisticPrefix(string statistic) => $"activation_{statistic}/";

    /// <summary>A statistic of a parameter's weights (<c>weight_norm/fc1.weight</c>); names in <see cref="TensorStatistic"/>.</summary>
    public static string WeightStatistic(string statistic, string parameter) => WeightStatisticPrefix(statistic) + parameter;

    /// <summary>A statistic of a parameter's gradient (<c>grad_norm/fc1.weight</c>).</summary>
    public static string GradientStatistic(string statistic, string parameter) => GradientStatisticPrefix(statistic) + parameter;

    /// <summary>A statistic of a module's output (<c>activation_mean/features.2</c>).</summary>
    public static string ActivationStatistic(string statistic, string module) => ActivationStatisticPrefix(statistic) + module;

    /// <summary>A module output's history picture: <c>activation_history/features.2</c>.</summary>
    public static string ActivationHistory(string module) => ActivationHistoryPrefix + module;

    /// <summary>A parameter gradient's history picture: <c>gradient_history/features.0.weight</c>.</summary>
    public static string GradientHistory(string parameter) => GradientHistoryPrefix + parameter;

    /// <summary>The rest of <paramref name="tag"/> after <paramref name="prefix"/> (the layer), or null when it has another prefix.</summary>
    public static string? LayerOf(string tag, string prefix)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(prefix);
        return tag.StartsWith(prefix, StringComparison.Ordinal) ? tag[prefix.Length..] : null;
    }
}
