namespace TrainWatch.Cli.Analysis;

/// <summary>What the dashboard knows about one layer's health.</summary>
/// <param name="Layer">The module path (<c>features.0</c>); a parameter outside any module is its own layer.</param>
/// <param name="ForwardOrder">When its first tag appeared in the run: the watcher writes layers in forward order.</param>
/// <param name="NewestAlertStep">The step of the newest alert naming it, or null.</param>
/// <param name="Signals">Its measurements, worst first.</param>
internal sealed record LayerHealth(string Layer, int ForwardOrder, long? NewestAlertStep, IReadOnlyList<HealthSignal> Signals)
{
    /// <summary>Its worst measurement's score (0 without measurements).</summary>
    public double Score => Signals.Count == 0 ? 0 : Signals[0].Score;

    /// <summary>Whether it is worth a look: an alert names it or a measurement reached the edge of unhealthy.</summary>
    public bool IsUnhealthy => NewestAlertStep is not null || Score >= LayerHealthRanking.UnhealthyScore;
}
