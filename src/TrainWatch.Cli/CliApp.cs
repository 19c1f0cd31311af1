using System.CommandLine;
using TrainWatch.Cli.Commands;

namespace TrainWatch.Cli;

/// <summary>
/// The testable entry point of <c>trainwatch</c>: parses the arguments, runs the command and turns every failure into
/// one line on standard error and an exit code (<see cref="ExitCodes"/>), never a stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>Runs <c>trainwatch</c> with <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Runs <c>trainwatch</c> with <paramref name="args"/> laying text out in <paramref name="columns"/> columns; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, int columns) =>
        RunAsync(args, output, error, CancellationToken.None, columns: columns).GetAwaiter().GetResult();

    /// <summary>Runs <c>trainwatch</c> with <paramref name="args"/>; <paramref name="cancellation"/> stops <c>tail</c> cleanly.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where problems go.</param>
    /// <param name="cancellation">Ctrl+C.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal (colours, live views).</param>
    /// <param name="columns">The width to lay text out in (<c>COLUMNS</c>); null: the terminal's, or 80 off a terminal.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation, bool interactive = false, int? columns = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(output, error, interactive, columns);
        try
        {
            var root = BuildRootCommand(context);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var parseError in parsed.Errors)
                {
                    context.Problem(parseError.Message);
                }

                context.Problem("run 'trainwatch --help' for usage.");
                return ExitCodes.UsageOrIoError;
            }

            var invocation = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parsed.InvokeAsync(invocation, cancellation).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            context.Problem(e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Ctrl+C during inspect, export or diff: the result is incomplete, so not "ok". (tail ends its own loop with 0.)
            context.Problem("interrupted.");
            return ExitCodes.UsageOrIoError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Problem(e.Message);
            return ExitCodes.UsageOrIoError;
        }
        catch (Exception e)
        {
            // Why no stack trace even here: the user needs the message; a developer can rerun under a debugger.
            context.Problem($"unexpected {e.GetType().Name}: {e.Message}");
            return ExitCodes.UsageOrIoError;
        }
    }

    // Why a plain Command named "trainwatch" rather than RootCommand: RootCommand names itself after the executable,
    // which for the installed tool is "TrainWatch.Cli"; help must show the command users type.
    private static Command BuildRootCommand(CliContext context)
    {
        var root = new Command("trainwatch", "Inspect, export, follow and compare TensorBoard runs. Exit codes: 0 ok, 1 problems found, 2 usage or I/O error.")
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(InspectCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(TailCommand.Create(context));
        root.Subcommands.Add(DiffCommand.Create(context));
        root.Subcommands.Add(GenerateBenchRunsCommand.Create(context));
        return root;
    }
}
