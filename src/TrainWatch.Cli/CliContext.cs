using Spectre.Console;

namespace TrainWatch.Cli;

/// <summary>Where a command writes and whether a person is watching (colours, live views, progress bars).</summary>
/// <param name="Out">Results: tables, CSV, JSON.</param>
/// <param name="Error">One-line messages about problems, and progress.</param>
/// <param name="Interactive">True when standard output is a terminal; false for pipes, files and tests.</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive)
{
    // Why a fixed width off a terminal: Spectre would otherwise wrap tables at 80 columns in files and tests.
    private const int NonInteractiveWidth = 200;

    /// <summary>A Spectre console writing to <see cref="Out"/>.</summary>
    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(Out),
        });
        if (!Interactive)
        {
            console.Profile.Width = NonInteractiveWidth;
        }

        return console;
    }

    /// <summary>Writes a one-line warning to <see cref="Error"/>.</summary>
    public void Warn(string message) => Error.WriteLine($"trainwatch: warning: {message}");

    /// <summary>Writes a one-line problem report to <see cref="Error"/>.</summary>
    public void Problem(string message) => Error.WriteLine($"trainwatch: {message}");
}
