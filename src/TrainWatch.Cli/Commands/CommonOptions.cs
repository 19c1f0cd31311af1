using System.CommandLine;

namespace TrainWatch.Cli.Commands;

/// <summary>Options several commands share, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    /// <summary><c>--json</c>: machine-readable output for scripts.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Write JSON instead of tables (for scripts)." };

    /// <summary><c>--tags GLOB</c>: a tag filter.</summary>
    public static Option<string?> Tags() => new("--tags")
    {
        Description = "Only tags matching these comma-separated globs ('*' matches anything, slashes included; '?' one character).",
    };

    /// <summary>The log directory argument.</summary>
    public static Argument<string> LogDirectory() => new("LOGDIR")
    {
        Description = "A log directory: every directory under it holding files named *tfevents* is a run. May also be one event file.",
    };
}
