using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.TorchSharp.Diagnosis;

namespace TrainWatch.Examples.FaultZoo.Zoo;

/// <summary>How one case did against what was planted.</summary>
public sealed record CaseScore(CaseRun Run, string? ExpectedLayer, long FirstSampleAtOnset, int Every, DiffVerdict? Diff, string? ExpectedDiffLayer, int Onset)
{
    /// <summary>The first alert of the expected kind at or after the onset.</summary>
    public Alert? Detection => Run.Fault.Expected is { } kind ? Run.Alerts.FirstOrDefault(a => a.Kind == kind && a.Step >= Onset) : null;

    public bool Detected => Detection is not null;

    public bool LayerRight => Detection is { } alert && Fault.SameLayer(alert.Layer, ExpectedLayer);

    /// <summary>Sampling intervals from the first sample at or after the onset to the detection.</summary>
    public double? Delay => Detection is { } alert ? (alert.Step - FirstSampleAtOnset) / (double)Every : null;

    /// <summary>Alerts a healthy run should not have: every alert of a healthy run, anything before the onset otherwise.</summary>
    public IReadOnlyList<Alert> FalseAlerts => Run.Fault.IsHealthy ? Run.Alerts : Run.Alerts.Where(a => a.Step < Onset).ToList();

    /// <summary>(kind, layer) pairs raised more than once.</summary>
    public int Repeats => Run.Alerts.GroupBy(a => (a.Kind, a.Layer)).Count(g => g.Count() > 1);

    /// <summary>
    /// Whether diff named the cause: the planted layer; the learning rate for lr-x100; for nan-input, which no event
    /// file records, that the run turned non-finite within one interval of the onset.
    /// </summary>
    public bool? DiffRight => Diff is not { } diff ? null : Run.Fault.Name switch
    {
        "lr-x100" => diff.Kind == "learning_rate",
        "nan-input" => diff.NonFiniteStep is { } step && Math.Abs(step - Onset) <= Every,
        _ => Fault.SameLayer(diff.Layer, ExpectedDiffLayer),
    };

    /// <summary>Whether diff's onset is within one sampling interval of the planted step.</summary>
    public bool? DiffOnsetRight => Diff is not { } diff ? null : diff.Onset is { } onset && Math.Abs(onset - Onset) <= Every;

    public static CaseScore For(CaseRun run, ZooModel model, ZooSettings settings, DiffVerdict? diff)
    {
        long firstSample = (settings.Onset + settings.Every - 1) / settings.Every * settings.Every;
        return new CaseScore(run, run.Fault.ExpectedLayer(model), firstSample, settings.Every, diff, run.Fault.ExpectedDiffLayer(model), settings.Onset);
    }
}
