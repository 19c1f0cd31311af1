namespace TrainWatch.Cli.Dashboard;

/// <summary>One measurement of a layer's health.</summary>
/// <param name="Score">How far from healthy: 0 is healthy, 1 is the edge of unhealthy, larger is worse; an alert naming the layer is +∞.</param>
/// <param name="Text">What was measured, short enough for a narrow column (<c>update ratio 1.4e-06</c>).</param>
internal sealed record HealthSignal(double Score, string Text);
