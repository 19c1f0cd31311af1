namespace TrainWatch.RunFormat;

/// <summary>
/// The alert tags: one text tag per alert kind (<c>alerts/&lt;kind&gt;</c>, lines in <see cref="AlertLine"/>'s form) and
/// the running count.
/// </summary>
public static class AlertTags
{
    /// <summary>The first path segment of every alert tag.</summary>
    public const string Prefix = "alerts/";

    /// <summary>Number of alerts raised so far (a scalar).</summary>
    public const string Count = Prefix + "count";

    /// <summary>A layer's gradient norm jumped far above its running median, or the global norm passed its limit.</summary>
    public const string ExplodingGradient = Prefix + "exploding_gradient";

    /// <summary>A layer's gradient all but disappeared.</summary>
    public const string VanishingGradient = Prefix + "vanishing_gradient";

    /// <summary>NaN or ±∞ in a loss, weight, gradient or activation.</summary>
    public const string NonFinite = Prefix + "non_finite";

    /// <summary>Most units of a layer output zero for the whole batch.</summary>
    public const string DeadUnits = Prefix + "dead_units";

    /// <summary>Most outputs of a sigmoid or tanh layer sit at its limits.</summary>
    public const string SaturatedActivation = Prefix + "saturated_activation";

    /// <summary>A parameter has gradients but its weights did not change.</summary>
    public const string UnchangedWeights = Prefix + "unchanged_weights";

    /// <summary>The loss has not gone below where it started.</summary>
    public const string LossNotDecreasing = Prefix + "loss_not_decreasing";

    /// <summary>The loss rose back far above the lowest it had reached.</summary>
    public const string LossDiverging = Prefix + "loss_diverging";

    /// <summary>The loss swings up and down by about its own size.</summary>
    public const string OscillatingLoss = Prefix + "oscillating_loss";

    /// <summary>Parameters held values no initialiser produces, before training.</summary>
    public const string SuspectParameters = Prefix + "suspect_parameters";

    /// <summary>A learning rate rose by a large factor between two samples.</summary>
    public const string LearningRateJump = Prefix + "learning_rate_jump";

    /// <summary>The text of incidents as they start, one line each (<see cref="IncidentLine"/>).</summary>
    public const string Incidents = Prefix + "incidents";

    /// <summary>Whether <paramref name="tag"/> holds the findings of one alert kind (not the count, not the incidents).</summary>
    public static bool IsAlertKind(string tag) => IsAlert(tag) && tag != Count && tag != Incidents;

    /// <summary>Whether <paramref name="tag"/> is an alert tag (the count and the incidents included).</summary>
    public static bool IsAlert(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.StartsWith(Prefix, StringComparison.Ordinal);
    }

    /// <summary>The alert kind of a tag (<c>alerts/dead_units</c> → <c>dead_units</c>), or null when it is not an alert tag.</summary>
    public static string? KindOf(string tag) => IsAlert(tag) ? tag[Prefix.Length..] : null;
}
