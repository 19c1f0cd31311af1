using Microsoft.Extensions.Logging;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Where a raised alert goes besides TensorBoard: the logger, standard error (once per kind and layer), and the
/// watcher's <c>AlertRaised</c> event. A handler that throws is reported, never passed on to training.
/// </summary>
internal sealed class AlertPublisher(WatchOptions options, Action<Exception> reportFailure)
{
    private readonly HashSet<(AlertKind, string)> _shownOnConsole = [];

    public void Publish(object sender, Alert alert, EventHandler<AlertEventArgs>? handlers)
    {
        try
        {
            var level = alert.Severity switch
            {
                AlertSeverity.Info => LogLevel.Information,
                AlertSeverity.Error => LogLevel.Error,
                _ => LogLevel.Warning,
            };
            options.Logger?.Log(level, "TrainWatch alert at step {Step}: {Message}", alert.Step, alert.Message);
            if (options.AlertsToConsole && _shownOnConsole.Add((alert.Kind, alert.Layer)))
            {
                Console.Error.WriteLine($"TrainWatch {alert.Severity.ToString().ToLowerInvariant()}: {alert}");
            }

            handlers?.Invoke(sender, new AlertEventArgs(alert));
        }
        catch (Exception e)
        {
            reportFailure(e);
        }
    }

    /// <summary>Only the <c>AlertRaised</c> handlers, for an alert already logged (the model check's, raised at the first step).</summary>
    public void Raise(object sender, Alert alert, EventHandler<AlertEventArgs>? handlers)
    {
        try
        {
            handlers?.Invoke(sender, new AlertEventArgs(alert));
        }
        catch (Exception e)
        {
            reportFailure(e);
        }
    }
}
