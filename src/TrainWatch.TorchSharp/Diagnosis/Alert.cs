using TrainWatch.RunFormat;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>The kinds of trouble the watcher recognises.</summary>
public enum AlertKind
{
    /// <summary>A layer's gradient norm jumped far above its running median, or the global norm passed its limit.</summary>
    ExplodingGradient,

    /// <summary>A layer's gradient all but disappeared.</summary>
    VanishingGradient,

    /// <summary>NaN or ±∞ appeared in a loss, weight, gradient or activation.</summary>
    NonFinite,

    /// <summary>Most units of a layer (features or conv channels) output zero for the whole batch.</summary>
    DeadUnits,

    /// <summary>Most outputs of a sigmoid or tanh layer sit at its limits, where its gradient is almost zero.</summary>
    SaturatedActivation,

    /// <summary>A parameter has gradients but its weights did not change (frozen by mistake, not in the optimizer, lr 0).</summary>
    UnchangedWeights,

    /// <summary>After many samples the loss has not gone below where it started.</summary>
    LossNotDecreasing,

    /// <summary>The loss rose back far above the lowest it had reached.</summary>
    LossDiverging,

    /// <summary>The loss swings up and down by about its own size, sample after sample.</summary>
    OscillatingLoss,

    /// <summary>Informational: a learning rate rose by a large factor between two samples.</summary>
    LearningRateJump,

    /// <summary>
    /// Before training, a parameter or buffer held values no initialiser produces: NaN or ±∞, denormals, absurd
    /// magnitudes, one value everywhere, or an all-zero weight feeding a ReLU (checked once, at attach).
    /// </summary>
    SuspectParameters,
}

/// <summary>How much an alert asks of a person.</summary>
public enum AlertSeverity
{
    /// <summary>Worth knowing, nothing wrong by itself (a learning-rate change).</summary>
    Info,

    /// <summary>Training is going wrong or will: look at it.</summary>
    Warning,

    /// <summary>Training is broken: NaN or ±∞ where numbers should be.</summary>
    Error,
}

/// <summary>One detected problem.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Layer">Where: a parameter or module path, or <c>(global)</c>/<c>loss</c>.</param>
/// <param name="Step">The training step it was seen at.</param>
/// <param name="Value">The measurement that tripped the rule.</param>
/// <param name="Message">A sentence for people.</param>
public sealed record Alert(AlertKind Kind, string Layer, long Step, double Value, string Message)
{
    /// <summary>The incident it belongs to (numbered from 1 in a run; 0 for the model check's alerts at attach).</summary>
    public int Incident { get; init; }

    /// <summary>Info for a learning-rate change, error for NaN/±∞ (and parameters holding them at attach), warning otherwise.</summary>
    public AlertSeverity Severity => Kind switch
    {
        AlertKind.LearningRateJump => AlertSeverity.Info,
        AlertKind.NonFinite => AlertSeverity.Error,
        _ => AlertSeverity.Warning,
    };

    /// <summary>The TensorBoard tag the alert is written under.</summary>
    public string Tag => Kind switch
    {
        AlertKind.ExplodingGradient => AlertTags.ExplodingGradient,
        AlertKind.VanishingGradient => AlertTags.VanishingGradient,
        AlertKind.NonFinite => AlertTags.NonFinite,
        AlertKind.DeadUnits => AlertTags.DeadUnits,
        AlertKind.SaturatedActivation => AlertTags.SaturatedActivation,
        AlertKind.UnchangedWeights => AlertTags.UnchangedWeights,
        AlertKind.LossNotDecreasing => AlertTags.LossNotDecreasing,
        AlertKind.LossDiverging => AlertTags.LossDiverging,
        AlertKind.OscillatingLoss => AlertTags.OscillatingLoss,
        AlertKind.SuspectParameters => AlertTags.SuspectParameters,
        _ => AlertTags.LearningRateJump,
    };

    /// <inheritdoc/>
    public override string ToString() => $"step {Step}: {Message}";
}

/// <summary>Carries an <see cref="Alert"/> to <see cref="TrainWatcher.AlertRaised"/> handlers.</summary>
public sealed class AlertEventArgs(Alert alert) : EventArgs
{
    /// <summary>The alert: the root finding of <see cref="Incident"/> when there is one.</summary>
    public Alert Alert { get; } = alert;

    /// <summary>The incident the alert starts, with the consequences seen on the same sample; null for the model check's alerts.</summary>
    public Incident? Incident { get; init; }
}
