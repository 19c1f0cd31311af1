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
    private int _reportedEventFailure;
    private int _reportedStepOrder;

    public void WriteFailed(Exception error, long errorCount, bool keepTrying, TimeSpan? maxRetryDelay)
    {
        if (Interlocked.Exchange(ref _reportedWriteError, 1) != 0)
        {
            return;
        }

        string every = maxRetryDelay is { } max ? $" with growing pauses (at most {max.TotalSeconds:0.#} s)" : "";
        string next = keepTrying ? $"TrainWatch keeps the events and retries{every}; training continues" : "TrainWatch stops writing this run; training continues";
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

    public void EventFailed(Exception error)
    {
        if (Interlocked.Exchange(ref _reportedEventFailure, 1) != 0)
        {
            return;
        }

        Report(LogLevel.Error, error, $"TrainWatch could not build or encode an event for '{runDirectory}': {error.Message}. That event is lost; the others are written. Further failures are counted as lost events.");
    }

    public void StepOutOfOrder(string tag, long previousStep, long step)
    {
        if (Interlocked.Exchange(ref _reportedStepOrder, 1) != 0)
        {
            return;
        }

        string what = step == previousStep ? $"was written twice at step {step}" : $"went back from step {previousStep} to {step}";
        Report(LogLevel.Warning, null, $"TrainWatch: tag '{tag}' in '{runDirectory}' {what}. It is written as given, but TensorBoard may hide that tag's points after step {step}. A resumed run should continue its step count or log to a new run directory. Further cases are counted, not repeated.");
    }

    /// <summary>The one summary at close. Events the disk refused come first, in the words a user searches for.</summary>
    public void Closed(EventWriterStatistics stats)
    {
        if (stats.EventsLost > 0 && stats.FirstError is IOException or UnauthorizedAccessException)
        {
            Report(LogLevel.Error, null, $"TrainWatch: {stats.EventsLost} events not written to '{runDirectory}': {stats.FirstError.Message} ({stats.WriteErrors} failed write attempts; {stats.EventsWritten} events written, intact; {stats.EventsDropped} dropped).");
        }
        else if (stats.WriteErrors > 1 || stats.EventsDropped > 0 || stats.EventsLost > 0 || stats.StepsOutOfOrder > 1)
        {
            Report(LogLevel.Warning, null, $"TrainWatch closed '{runDirectory}' with {stats.WriteErrors} write errors, {stats.EventsDropped} dropped and {stats.EventsLost} lost events, and {stats.StepsOutOfOrder} values whose step repeated or went back ({stats.EventsWritten} events written).");
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
