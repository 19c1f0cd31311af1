using Microsoft.Extensions.Logging;

namespace TrainWatch.Events;

/// <summary>
/// Reports the writer's problems the way a user wants them: the first of each kind once, loudly; the rest counted and
/// summed up when the writer closes. Never throws.
/// </summary>
internal sealed class WriterErrorReporter(ILogger? logger, string runDirectory)
{
    private int _reportedWriteError;
    private int _reportedDrop;

    public void WriteFailed(Exception error, long errorCount, bool keepTrying)
    {
        if (Interlocked.Exchange(ref _reportedWriteError, 1) != 0)
        {
            return;
        }

        string next = keepTrying ? "TrainWatch keeps the events and retries; training continues" : "TrainWatch stops writing this run; training continues";
        Report(LogLevel.Error, error, $"TrainWatch could not write events to '{runDirectory}': {error.Message}. {next}. Further write errors are counted (now {errorCount}), not repeated.");
    }

    public void EventDropped(string reason)
    {
        if (Interlocked.Exchange(ref _reportedDrop, 1) != 0)
        {
            return;
        }

        Report(LogLevel.Warning, null, $"TrainWatch dropped an event for '{runDirectory}': {reason}. Further drops are counted and written to the run as 'trainwatch/dropped_events'.");
    }

    public void Closed(EventWriterStatistics stats)
    {
        if (stats.WriteErrors > 1 || stats.EventsDropped > 0 || stats.EventsLost > 0)
        {
            Report(LogLevel.Warning, null, $"TrainWatch closed '{runDirectory}' with {stats.WriteErrors} write errors, {stats.EventsDropped} dropped and {stats.EventsLost} lost events ({stats.EventsWritten} written).");
        }
    }

    private void Report(LogLevel level, Exception? error, string message)
    {
        try
        {
            if (logger is not null)
            {
#pragma warning disable CA2254 // The message is built once per run, not per call; structured logging buys nothing here.
                logger.Log(level, error, message);
#pragma warning restore CA2254
            }
            else
            {
                Console.Error.WriteLine(message);
            }
        }
        catch (Exception)
        {
            // Reporting must never become the failure.
        }
    }
}
