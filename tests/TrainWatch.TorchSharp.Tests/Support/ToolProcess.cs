using System.Diagnostics;

namespace TrainWatch.TorchSharp.Tests.Support;

/// <summary>
/// Runs a command-line tool the tests ask something of (readelf, dotnet msbuild) to its end. Both output streams are
/// read at once: read one after the other, a tool that filled the unread pipe would wait on it forever, and so would
/// the test.
/// </summary>
public static class ToolProcess
{
    /// <summary>The tool's exit code and what it wrote to each stream. Throws <see cref="System.ComponentModel.Win32Exception"/> when the tool is not installed.</summary>
    public static (int ExitCode, string Output, string Errors) Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.GetAwaiter().GetResult());
    }
}
