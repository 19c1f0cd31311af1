namespace TrainWatch.TorchSharp.Reporting;

/// <summary>
/// The tags the watcher writes. The statistic comes first and the layer second, because TensorBoard groups charts by
/// the first path segment: one section then compares every layer's gradient norm, another every layer's update ratio.
/// </summary>
public static class SummaryTags
{
    /// <summary>Loss passed to <c>Step</c>.</summary>
    public const string Loss = "train/loss";

    /// <summary>L2 norm of all gradients together.</summary>
    public const string GlobalGradientNorm = "train/grad_norm";

    /// <summary>Training speed.</summary>
    public const string StepsPerSecond = "train/steps_per_second";

    /// <summary>Number of alerts raised so far.</summary>
    public const string AlertCount = "alerts/count";

    /// <summary>Exceptions caught inside TrainWatch's forward hooks so far (written when the count grows).</summary>
    public const string HookFailures = "trainwatch/hook_failures";

    /// <summary>Learning rate of a parameter group.</summary>
    public static string LearningRate(string group) => group.Length == 0 ? "train/lr" : $"train/lr/{group}";

    /// <summary>Histogram of a parameter's weights.</summary>
    public static string WeightHistogram(string parameter) => $"weights/{parameter}";

    /// <summary>Histogram of a parameter's gradient.</summary>
    public static string GradientHistogram(string parameter) => $"grads/{parameter}";

    /// <summary>Histogram of a module's output.</summary>
    public static string ActivationHistogram(string module) => $"activations/{module}";

    /// <summary>A statistic of a parameter's weights (<c>weight_norm/fc1.weight</c>).</summary>
    public static string WeightStatistic(string statistic, string parameter) => $"weight_{statistic}/{parameter}";

    /// <summary>A statistic of a parameter's gradient (<c>grad_norm/fc1.weight</c>).</summary>
    public static string GradientStatistic(string statistic, string parameter) => $"grad_{statistic}/{parameter}";

    /// <summary>A statistic of a module's output (<c>activation_mean/features.2</c>).</summary>
    public static string ActivationStatistic(string statistic, string module) => $"activation_{statistic}/{module}";

    /// <summary>‖Δw‖/‖w‖ of a parameter for one optimizer step.</summary>
    public static string UpdateRatio(string parameter) => $"update_ratio/{parameter}";
}
