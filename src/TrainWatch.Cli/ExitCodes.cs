namespace TrainWatch.Cli;

/// <summary>The process exit codes of every <c>trainwatch</c> command (documented in docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>Everything read cleanly and nothing was found wrong.</summary>
    public const int Ok = 0;

    /// <summary>
    /// The command ran and found problems: a corrupt event file, a run with no readable event, or (for <c>diff</c>) a
    /// tag over the threshold or an exploding norm.
    /// </summary>
    public const int ProblemsFound = 1;

    /// <summary>The command could not run: bad arguments, a path that does not exist, nothing to read, an I/O error.</summary>
    public const int UsageOrIoError = 2;
}
