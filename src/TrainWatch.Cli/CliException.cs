namespace TrainWatch.Cli;

/// <summary>
/// A failure to report to the user as one line on standard error, with the exit code that goes with it. Commands throw
/// it; <see cref="CliApp"/> catches it, so users never see a stack trace.
/// </summary>
public sealed class CliException(string message, int exitCode = ExitCodes.UsageOrIoError) : Exception(message)
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
