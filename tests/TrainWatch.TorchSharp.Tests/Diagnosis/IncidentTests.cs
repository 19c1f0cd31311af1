using TrainWatch.TorchSharp.Diagnosis;
using static TrainWatch.TorchSharp.Tests.Diagnosis.SyntheticSamples;

namespace TrainWatch.TorchSharp.Tests.Diagnosis;

/// <summary>
/// One fault, one incident: the findings of a sample and of the samples that follow join the incident the first
/// started, its root chosen in causal order, with a cause from the fixed table.
/// </summary>
public sealed class IncidentTests
{
    private readonly Diagnostician _rules = new(new AlertOptions());

    [Fact]
    public void A_learning_rate_jump_is_the_root_of_the_explosion_it_causes_and_later_findings_join_it()
    {
        for (int i = 0; i < 10; i++)
        {
            Examine(i, 1.0, 0.01, 1.0);
        }

        // The learning rate ×1000 and, on the same sample, one layer's gradient ×100: an incident, rooted at the lr.
        Examine(10, 1.0, 10, 100);
        var incident = Assert.Single(_rules.Incidents);
        Assert.Same(incident, _rules.Started);
        Assert.Equal(AlertKind.LearningRateJump, incident.Root.Kind);
        Assert.Equal("lr-too-high", incident.Cause.Class);

        // It grows on: the explosion, confirmed on this sample, joins the same incident.
        Examine(11, 1.0, 10, 1e5);
        Assert.Single(_rules.Incidents);
        Assert.Null(_rules.Started);
        Assert.Contains(incident.Consequences, a => a.Kind == AlertKind.ExplodingGradient && a.Layer == "b.weight");
        Assert.All(incident.Consequences, a => Assert.Equal(incident.Id, a.Incident));
        Assert.Contains("likely cause: the learning rate is too high", incident.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void After_quiet_samples_a_new_finding_starts_a_new_incident()
    {
        for (int i = 0; i < 10; i++)
        {
            Examine(i, 1.0, 0.1, 1.0);
        }

        // Up for two samples (an explosion), quiet for nine, then up again for two: two incidents.
        Examine(10, 1.0, 0.1, 100);
        Examine(11, 1.0, 0.1, 100);
        for (int i = 12; i < 21; i++)
        {
            Examine(i, 1.0, 0.1, 1.0);
        }

        Assert.Single(_rules.Incidents);
        Examine(21, 1.0, 0.1, 1.0, cNorm: 5e3);
        Examine(22, 1.0, 0.1, 1.0, cNorm: 5e3);
        Assert.Equal(2, _rules.Incidents.Count);
        Assert.All(_rules.Incidents, i => Assert.Equal(AlertKind.ExplodingGradient, i.Root.Kind));
        Assert.Equal(["b.weight", "c.weight"], _rules.Incidents.Select(i => i.Root.Layer));
        Assert.Equal([1, 2], _rules.Incidents.Select(i => i.Id));
    }

    [Fact]
    public void The_same_finding_again_after_quiet_samples_reopens_its_incident()
    {
        for (int i = 0; i < 10; i++)
        {
            Examine(i, 1.0, 0.1, 1.0);
        }

        Examine(10, 1.0, 0.1, 100);
        Examine(11, 1.0, 0.1, 100);
        for (int i = 12; i < 21; i++)
        {
            Examine(i, 1.0, 0.1, 1.0);
        }

        // b.weight blows up again: the same fault going on, not a second one.
        Examine(21, 1.0, 0.1, 5e3);
        Examine(22, 1.0, 0.1, 5e3);
        var incident = Assert.Single(_rules.Incidents);
        Assert.Equal("b.weight", incident.Root.Layer);
        Assert.Null(_rules.Started);
        Assert.Contains(incident.Consequences, a => a.Kind == AlertKind.ExplodingGradient && a.Layer == "b.weight" && a.Step == 220);
    }

    [Fact]
    public void Another_finding_at_a_place_an_incident_named_reopens_it_and_a_run_level_symptom_joins_the_latest()
    {
        var grouper = new IncidentGrouper(quietSamples: 5);
        Group(grouper, 10, new Alert(AlertKind.ExplodingGradient, "b.weight", 10, 100, ""));
        Quiet(grouper, 6);

        // The same parameter's steps became 0 (Adam's variance overflowed), then its weights NaN: the same fault.
        Group(grouper, 80, new Alert(AlertKind.UnchangedWeights, "b.weight", 80, 1e20, ""));
        Quiet(grouper, 6);
        Group(grouper, 150, new Alert(AlertKind.NonFinite, "b.weight", 150, 1, ""));
        Quiet(grouper, 6);

        // The loss climbing long after: a symptom of the whole run, joined to the latest fault.
        Group(grouper, 220, new Alert(AlertKind.LossDiverging, "loss", 220, 2, ""));
        var incident = Assert.Single(grouper.Incidents);
        Assert.Equal([AlertKind.UnchangedWeights, AlertKind.NonFinite, AlertKind.LossDiverging], incident.Consequences.Select(a => a.Kind));

        // Positive control: another place is another fault, and a run-level symptom joins that one, the latest.
        Quiet(grouper, 6);
        var started = Group(grouper, 290, new Alert(AlertKind.DeadUnits, "c.act", 290, 8, ""));
        Quiet(grouper, 6);
        Group(grouper, 360, new Alert(AlertKind.ExplodingGradient, GradientRules.Global, 360, 1e5, ""));
        Assert.Equal(2, grouper.Incidents.Count);
        Assert.NotNull(started);
        Assert.Equal("c.act", started.Root.Layer);
        Assert.Contains(started.Consequences, a => a.Layer == GradientRules.Global);
    }

    [Fact]
    public void A_run_level_symptom_with_no_incident_before_it_starts_one()
    {
        var grouper = new IncidentGrouper(quietSamples: 5);
        var started = Group(grouper, 10, new Alert(AlertKind.LossNotDecreasing, "loss", 10, 2, ""));
        Assert.NotNull(started);
        Assert.Equal(AlertKind.LossNotDecreasing, Assert.Single(grouper.Incidents).Root.Kind);
    }

    private static Incident? Group(IncidentGrouper grouper, long step, Alert alert) => grouper.Group([alert], order: null, out _);

    private static void Quiet(IncidentGrouper grouper, int samples)
    {
        for (int i = 0; i < samples; i++)
        {
            grouper.Group([], order: null, out _);
        }
    }

    private void Examine(long i, double loss, double lr, double bNorm, double cNorm = 1.0) =>
        _rules.Examine(Sample(i * 10, loss, lr, ("a.weight", 1.0), ("b.weight", bNorm), ("c.weight", cNorm)), order: null);
}
