using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Recording;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Applies the alert rules to each sample's host-side statistics. An alert is raised when a condition starts, and
/// again only after it has been clear for a while (<see cref="AlertLatch"/>), so TensorBoard and the console show
/// onsets, not noise.
/// </summary>
internal sealed class Diagnostician(AlertOptions options)
{
    private readonly LossTracker _loss = new(options.HistoryWindow);
    private readonly GradientRules _gradients = new(options);
    private readonly ActivationRules _activations = new(options);
    private readonly TrainingRules _training = new(options);
    private readonly AlertLatch _latch = new(options.RearmAfterSamples);
    private readonly IncidentGrouper _incidents = new(options.IncidentQuietSamples);
    private bool _nonFiniteReported;

    /// <summary>Every incident so far.</summary>
    public IReadOnlyList<Incident> Incidents => _incidents.Incidents;

    /// <summary>The incident the last examined sample started, if it started one.</summary>
    public Incident? Started { get; private set; }

    /// <summary>The alerts that start on <paramref name="sample"/>; <paramref name="order"/> is how its forward pass ran.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<Alert> Examine(SampleData sample, ForwardRecording? order)
    {
        var alerts = new List<Alert>();

        // Reported once per run, at the place it started (see NonFiniteOrigin): later layers only inherit it.
        if (!_nonFiniteReported && NonFiniteOrigin.Find(sample, order) is { } origin)
        {
            alerts.Add(new Alert(AlertKind.NonFinite, origin.Layer, sample.Step, origin.Count, origin.Message));
            _nonFiniteReported = true;
        }

        _loss.Add(sample.Loss, sample.Step);
        var findings = new List<Finding>();
        _gradients.Check(sample, _loss, findings);
        _activations.Check(sample, _loss, findings);
        _training.Check(sample, _loss, findings);
        alerts.AddRange(_latch.Onsets(findings, f => (f.Kind, f.Layer)).Select(f => new Alert(f.Kind, f.Layer, sample.Step, f.Value, f.Message)));
        Started = _incidents.Group(alerts, order, out var numbered);
        return numbered;
    }
}
