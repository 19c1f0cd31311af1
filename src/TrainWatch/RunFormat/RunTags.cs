namespace TrainWatch.RunFormat;

/// <summary>
/// The run-level tags the TorchSharp watcher writes and <c>trainwatch</c> reads: training scalars, the watcher's own
/// health scalars and texts, and the model summary. Per-layer tags are in <see cref="LayerTags"/>, alerts in
/// <see cref="AlertTags"/>, pictures in <see cref="PictureTags"/>.
/// </summary>
public static class RunTags
{
    /// <summary>The first path segment of the training scalars (<c>train/loss</c>, <c>train/lr</c>, …).</summary>
    public const string TrainPrefix = "train/";

    /// <summary>Loss passed to <c>Step</c>.</summary>
    public const string Loss = TrainPrefix + "loss";

    /// <summary>L2 norm of all gradients together.</summary>
    public const string GlobalGradientNorm = TrainPrefix + "grad_norm";

    /// <summary>Training speed.</summary>
    public const string StepsPerSecond = TrainPrefix + "steps_per_second";

    /// <summary>The learning rate of an optimizer with one unnamed parameter group; named groups add <c>/&lt;group&gt;</c>.</summary>
    public const string LearningRateBase = TrainPrefix + "lr";

    /// <summary>Exceptions caught inside TrainWatch's forward hooks so far (written when the count grows).</summary>
    public const string HookFailures = "trainwatch/hook_failures";

    /// <summary>Events the core writer had to drop (a full queue under the default backpressure policy, <c>Drop</c>), written into the run.</summary>
    public const string DroppedEvents = "trainwatch/dropped_events";

    /// <summary>The text tags of features that stood down for a model: <c>trainwatch/features/&lt;key&gt;</c>.</summary>
    public const string FeatureNotes = "trainwatch/features";

    /// <summary>The model summary's markdown (<see cref="ModelSummaryText"/>).</summary>
    public const string ModelSummary = "model/summary";

    /// <summary>Learning rate of a parameter group: <c>train/lr</c>, or <c>train/lr/&lt;group&gt;</c> for a named group.</summary>
    public static string LearningRate(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Length == 0 ? LearningRateBase : $"{LearningRateBase}/{group}";
    }

    /// <summary>Whether <paramref name="tag"/> is a learning rate the watcher writes.</summary>
    public static bool IsLearningRate(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag == LearningRateBase || tag.StartsWith(LearningRateBase + "/", StringComparison.Ordinal);
    }

    /// <summary>The parameter group of a learning-rate tag (<c>train/lr/head</c> → <c>head</c>); empty for <c>train/lr</c>, null for another tag.</summary>
    public static string? LearningRateGroup(string tag) =>
        !IsLearningRate(tag) ? null : tag.Length == LearningRateBase.Length ? "" : tag[(LearningRateBase.Length + 1)..];

    /// <summary>The text tag of a feature that stood down: <c>trainwatch/features/&lt;key&gt;</c>.</summary>
    public static string FeatureNote(string key) => $"{FeatureNotes}/{key}";
}
