namespace TrainWatch.Cli.Analysis;

/// <summary>One alert as the dashboard lists it.</summary>
/// <param name="Step">The step it fired at.</param>
/// <param name="Tag">Its tag (<c>alerts/&lt;kind&gt;</c>).</param>
/// <param name="Layer">The parameter or module it names, or null when it names none.</param>
/// <param name="Message">Its sentence, on one line.</param>
/// <param name="Incident">The incident it belongs to, when the watcher named one.</param>
internal sealed record DashboardAlert(long Step, string Tag, string? Layer, string Message, int? Incident = null)
{
    /// <summary>The alert's kind: its tag without <c>alerts/</c>.</summary>
    public string Kind => Tag[(Tag.IndexOf('/', StringComparison.Ordinal) + 1)..];
}
