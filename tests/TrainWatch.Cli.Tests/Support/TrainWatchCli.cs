namespace TrainWatch.Cli.Tests.Support;

/// <summary>What one in-process run of <c>trainwatch</c> produced.</summary>
public sealed partial record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>A line of a .NET stack trace ("   at Namespace.Type.Method(...)"); a bare "   at " also occurs in diff's table header.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s+at \S+\(", System.Text.RegularExpressions.RegexOptions.Multiline)]
    public static partial System.Text.RegularExpressions.Regex StackFrame();

    /// <summary>Asserts the failure contract: a message on stderr, no stack trace anywhere.</summary>
    public void AssertCleanFailure(int expectedExitCode)
    {
        Assert.True(ExitCode == expectedExitCode, $"exit {ExitCode}, expected {expectedExitCode}. stderr: {Error}\nstdout: {Out}");
        Assert.False(string.IsNullOrWhiteSpace(Error), "a failure must say why on stderr");
        Assert.DoesNotMatch(StackFrame(), Error);
        Assert.DoesNotMatch(StackFrame(), Out);
        Assert.DoesNotContain("Exception", Error);
    }
}

/// <summary>Runs the command line in-process through <see cref="CliApp"/>.</summary>
public static class TrainWatchCli
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = CliApp.Run(args, output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the command line as with <c>COLUMNS=<paramref name="columns"/></c>.</summary>
    public static CliResult RunAt(int columns, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = CliApp.Run(args, output, error, columns);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
