using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Recording;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Groups alerts into incidents. The alerts of a sample with no incident open start one, its root chosen in causal
/// order: a learning-rate change, then the input, then weights and outputs in forward order, then the loss, then
/// gradients nearest the loss. Alerts of the following samples join it as consequences while they keep coming (at
/// most <see cref="AlertOptions.IncidentQuietSamples"/> samples apart). Later, a finding at a place an incident already
/// named (the same parameter, module or run-level signal) reopens that incident, and a run-level symptom that names no
/// place (the loss, the global gradient norm) joins the latest incident: one fault, one incident.
/// </summary>
internal sealed class IncidentGrouper(int quietSamples)
{
    // Every incident so far (the open one too), oldest first: a finding that recurs joins the one it belongs to.
    private readonly List<Incident> _incidents = [];
    private Incident? _open;
    private int _quiet;
    private int _nextId = 1;

    /// <summary>Every incident so far, oldest first.</summary>
    public IReadOnlyList<Incident> Incidents => _incidents;

    /// <summary>Assigns this sample's alerts to incidents; returns the incident started on it, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Incident? Group(IReadOnlyList<Alert> alerts, ForwardRecording? order, out IReadOnlyList<Alert> numbered)
    {
        if (alerts.Count == 0)
        {
            if (_open is not null && ++_quiet > quietSamples)
            {
                _open = null;
            }

            numbered = alerts;
            return null;
        }

        _quiet = 0;
        Incident? started = null;
        var sorted = alerts.Select((a, i) => (Alert: a, Index: i)).OrderBy(x => Rank(x.Alert, order)).ThenBy(x => x.Index).Select(x => x.Alert).ToList();
        // A finding at a place an incident named, after a quiet stretch, is that fault going on, not a new one: a layer
        // whose gradient keeps blowing up, a frozen layer found frozen again, a layer whose gradient blew up until
        // Adam's running variance overflowed and its steps became 0, then NaN. A symptom of the whole run (the loss
        // diverging, the global norm past its limit) names no place of its own: the latest fault is its likeliest cause.
        _open ??= _incidents.LastOrDefault(i => Continues(i, sorted[0])) ?? (IsRunLevel(sorted[0]) ? _incidents.LastOrDefault() : null);
        if (_open is null)
        {
            started = new Incident(_nextId++, sorted[0] with { Incident = _nextId - 1 });
            _open = started;
            _incidents.Add(started);
            sorted.RemoveAt(0);
        }

        var result = new List<Alert>(alerts.Count);
        if (started is not null)
        {
            result.Add(started.Root);
        }

        foreach (var alert in sorted)
        {
            var joined = alert with { Incident = _open.Id };
            _open.Add(joined);
            result.Add(joined);
        }

        numbered = result;
        return started;
    }

    private static bool Continues(Incident incident, Alert alert) =>
        SamePlace(incident.Root, alert) || incident.Consequences.Any(c => SamePlace(c, alert));

    private static bool SamePlace(Alert a, Alert b) => string.Equals(a.Layer, b.Layer, StringComparison.Ordinal);

    // The loss's behaviour and the global gradient norm: the whole run, no layer of its own. A NaN loss is not one of
    // these: it has a cause of its own (the loss function, or the outputs it was given).
    private static bool IsRunLevel(Alert alert) =>
        alert.Kind is AlertKind.LossDiverging or AlertKind.LossNotDecreasing or AlertKind.OscillatingLoss
        || (alert.Kind is AlertKind.ExplodingGradient or AlertKind.VanishingGradient && alert.Layer == GradientRules.Global);

    // Lower comes first: (class of the finding, position within the class).
    private static (int, int) Rank(Alert alert, ForwardRecording? order)
    {
        // A module path (an activation finding) has its own time; a parameter has its owner's.
        int time = order?.StartTime(alert.Layer) ?? order?.StartTime(NonFiniteOrigin.OwnerOf(alert.Layer, order)) ?? int.MaxValue / 2;
        return alert.Kind switch
        {
            AlertKind.LearningRateJump => (0, 0),
            AlertKind.NonFinite when alert.Layer == "input" => (1, 0),
            AlertKind.NonFinite or AlertKind.SuspectParameters => (2, time),
            AlertKind.DeadUnits or AlertKind.SaturatedActivation or AlertKind.UnchangedWeights => (3, time),
            AlertKind.LossDiverging or AlertKind.LossNotDecreasing or AlertKind.OscillatingLoss => (4, 0),
            _ when alert.Layer == GradientRules.Global => (6, 0),
            _ => (5, -time),
        };
    }
}
