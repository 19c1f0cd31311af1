using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Where raised alerts go besides TensorBoard: every finding to the logger; each incident once to standard error
/// (once per root kind and layer) and to the watcher's <c>AlertRaised</c> event. A handler that throws is reported, never passed on to training.
/// </summary>
internal sealed class AlertPublisher(WatchOptions options, Action<Exception> reportFailure)
{
    private readonly HashSet<(AlertKind, string)> _shownOnConsole = [];

    /// <summary>
    /// Logs every finding of a sample; the incident it started, if any, goes to the console (one line, its
    /// consequences indented) and to the handlers, once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Publish(object sender, IReadOnlyList<Alert> alerts, Incident? started, EventHandler<AlertEventArgs>? handlers)
    {
        try
        {
            foreach (var alert in alerts)
            {
                var level = alert.Severity switch
                {
                    AlertSeverity.Info => LogLevel.Information,
                    AlertSeverity.Error => LogLevel.Error,
                    _ => LogLevel.Warning,
                };
                options.Logger?.Log(level, "TrainWatch alert at step {Step} (incident {Incident}): {Message}", alert.Step, alert.Incident, alert.Message);
            }

            if (started is null)
            {
                return;
            }

            if (options.AlertsToConsole && _shownOnConsole.Add((started.Root.Kind, started.Root.Layer)))
            {
                Console.Error.WriteLine($"TrainWatch {started.Severity.ToString().ToLowerInvariant()}: {started.Describe()}");
            }

            handlers?.Invoke(sender, new AlertEventArgs(started.Root) { Incident = started });
        }
        catch (Exception e)
        {
            reportFailure(e);
        }
    }

    /// <summary>An alert outside any incident (the model check's, at attach): the logger and the console now, handlers later.</summary>
    public void Announce(Alert alert)
    {
        try
        {
            options.Logger?.LogWarning("TrainWatch alert at step {Step}: {Message}", alert.Step, alert.Message);
            if (options.AlertsToConsole && _shownOnConsole.Add((alert.Kind, alert.Layer)))
            {
                Console.Error.WriteLine($"TrainWatch {alert.Severity.ToString().ToLowerInvariant()}: {alert}");
            }
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
