using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Inspection;
using TrainWatch.TorchSharp.Reporting;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp;

// Issue 28: parameters and buffers that no initialiser produces, named at attach, before the first step (the work is
// in Inspection/).
public sealed partial class TrainWatcher
{
    // No handler can subscribe to AlertRaised before Attach returns, so the check's alerts reach it at the first Step.
    private List<Alert>? _attachAlertsToRaise;

    private void CheckModel(Module model)
    {
        if (!_options.ModelCheck)
        {
            return;
        }

        try
        {
            var report = ModelCheck.Run(model, _options.HostKernels);
            if (report.Suspects.Count == 0)
            {
                return;
            }

            long step = _schedule.Current;
            var alerts = report.Suspects.Select(s => new Alert(s.Finding.Kind, s.Finding.Layer, step, s.Finding.Value, s.Finding.Message)).ToList();
            var readings = report.Suspects.Select(s => s.Reading).ToList();
            _alerts.AddRange(alerts);
            long totalAlerts = _alerts.Count;
            _writer!.AddDeferred(step, () => ModelCheckSummaries.Build(alerts, readings, totalAlerts), 512L * alerts.Count);
            foreach (var alert in alerts)
            {
                _publisher.Announce(alert); // logger and console now
            }

            _attachAlertsToRaise = alerts;
        }
        catch (Exception e)
        {
            // A check that cannot run must not stop training from starting.
            _advisor.Warn($"TrainWatch: the model check at attach failed and was skipped ({e.GetType().Name}: {e.Message}).");
        }
    }

    private void RaiseAttachAlerts()
    {
        if (_attachAlertsToRaise is not { } alerts)
        {
            return;
        }

        _attachAlertsToRaise = null;
        foreach (var alert in alerts)
        {
            _publisher.Raise(this, alert, AlertRaised);
        }
    }
}
