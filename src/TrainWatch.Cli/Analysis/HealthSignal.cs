namespace TrainWatch.Cli.Analysis;

/// <summary>What a health signal measures: a layer shows its worst signal of each.</summary>
internal enum HealthMeasure
{
    /// <summary>An alert names the layer.</summary>
    Alert,

    /// <summary>‖Δw‖/‖w‖ of its weights.</summary>
    UpdateRatio,

    /// <summary>Its gradient norm against its own recent median.</summary>
    GradientJump,

    /// <summary>Units that output zero for the whole batch.</summary>
    DeadUnits,

    /// <summary>NaN or ±∞ in its weights, gradients or output.</summary>
    NonFinite,
}

/// <summary>One measurement of a layer's health.</summary>
/// <param name="Measure">What was measured.</param>
/// <param name="Score">How far from healthy: 0 is healthy, 1 is the edge of unhealthy, larger is worse; an alert naming the layer is +∞.</param>
/// <param name="Text">What was measured, short enough for a narrow column (<c>update ratio 1.4e-06</c>).</param>
internal sealed record HealthSignal(HealthMeasure Measure, double Score, string Text);
