namespace TrainWatch.Examples.Population;

/// <summary>How one faulted run did against what was planted.</summary>
public sealed record FaultScore(RunRecord Run)
{
    private long FirstSample => (Run.Onset + Run.Every - 1) / Run.Every * Run.Every;

    /// <summary>
    /// What a person reads first: the root of the first incident started at or after the onset (runs recorded before
    /// incidents existed: the first alert).
    /// </summary>
    public AlertRecord? Headline => HasIncidents
        ? Run.Alerts.Where(a => a.Root && a.Step >= Run.Onset).OrderBy(a => a.Step).FirstOrDefault()
        : Run.Alerts.Where(a => a.Step >= Run.Onset).OrderBy(a => a.Step).FirstOrDefault();

    private bool HasIncidents => Run.Alerts.Any(a => a.Incident > 0);

    /// <summary>Incidents started at or after the onset (alerts, for runs recorded before incidents existed).</summary>
    public int IncidentsAfterOnset => HasIncidents ? Run.Alerts.Count(a => a.Root && a.Step >= Run.Onset) : AlertsAfterOnset;

    /// <summary>Whether the headline's cause class is the planted fault's; null when unknown.</summary>
    public bool? CauseRight => Headline?.Cause is { } cause ? cause == Run.Cause : HasIncidents ? false : null;

    /// <summary>The first alert of the expected kind at or after the onset.</summary>
    public AlertRecord? Detection => Run.Alerts.FirstOrDefault(a => a.Kind == Run.ExpectedKind && a.Step >= Run.Onset);

    public bool Detected => Detection is not null;

    public bool AnyAlert => Headline is not null;

    public bool HeadlineLayerRight => Headline is { } h && SameLayer(h.Layer, Run.ExpectedLayer);

    public bool DetectionLayerRight => Detection is { } d && SameLayer(d.Layer, Run.ExpectedLayer);

    /// <summary>Sampling intervals from the first sample at or after the onset to the detection.</summary>
    public double? Delay => Detection is { } d ? (d.Step - FirstSample) / (double)Run.Every : null;

    public bool InTime => Delay is { } delay && delay <= (Run.Gradual ? 5 : 1);

    /// <summary>
    /// For a gradual fault: how many times the planted factor had multiplied the gradient when it was reported (the
    /// jump rule's own bar is ×10 between samples; a creep reported before ×10 was caught while still small).
    /// </summary>
    public double? GrowthAtDetection => Run.Gradual && Detection is { } d ? Math.Pow(Run.Rate, d.Step - Run.Onset) : null;

    public int AlertsAfterOnset => Run.Alerts.Count(a => a.Step >= Run.Onset);

    public int AlertsBeforeOnset => Run.Alerts.Count(a => a.Step < Run.Onset);

    /// <summary>Whether an alert naming <paramref name="named"/> names <paramref name="expected"/> (a module names its parameters).</summary>
    public static bool SameLayer(string? named, string? expected) =>
        named is not null && expected is not null
        && (named == expected || named.StartsWith(expected + ".", StringComparison.Ordinal) || named.StartsWith(expected + "/", StringComparison.Ordinal));
}

/// <summary>The figures of one seed set.</summary>
public sealed record SetFigures(IReadOnlyList<RunRecord> Runs)
{
    /// <summary>Alert kinds that are information, not a warning or an error.</summary>
    public static readonly IReadOnlySet<string> InfoKinds = new HashSet<string>(StringComparer.Ordinal) { "LearningRateJump" };

    public IReadOnlyList<RunRecord> Unfaulted => Runs.Where(r => r.Fault is null).ToList();

    public IReadOnlyList<RunRecord> Healthy => Runs.Where(r => r.Class == "healthy").ToList();

    public IReadOnlyList<FaultScore> Faults => Runs.Where(r => r.Fault is not null && r.Error is null).Select(r => new FaultScore(r)).ToList();

    public static IEnumerable<AlertRecord> Warnings(RunRecord run) => run.Alerts.Where(a => !InfoKinds.Contains(a.Kind));

    public int HealthyWithWarning => Healthy.Count(r => Warnings(r).Any());
}
