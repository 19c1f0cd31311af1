using Spectre.Console;
using TrainWatch.Cli.Rendering;

namespace TrainWatch.Cli;

/// <summary>Where a command writes and whether a person is watching (colours, live views, progress bars).</summary>
/// <param name="Out">Results: tables, CSV, JSON.</param>
/// <param name="Error">One-line messages about problems, and progress.</param>
/// <param name="Interactive">True when standard output is a terminal; false for pipes, files and tests.</param>
/// <param name="Columns">The width <c>COLUMNS</c> asks for, or null: the terminal's width, or 80 columns off a terminal.</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive, int? Columns = null)
{
    /// <summary>The columns every line of text output fits in (<see cref="TerminalWidth"/>).</summary>
    public int Width => TerminalWidth.Resolve(Columns, Interactive);

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
        // In a terminal without COLUMNS, Spectre follows the window as it is resized.
        if (!Interactive || Columns is not null)
        {
            console.Profile.Width = Width;
        }

        return console;
    }

    /// <summary>Writes a one-line warning to <see cref="Error"/>.</summary>
    public void Warn(string message) => Error.WriteLine($"trainwatch: warning: {message}");

    /// <summary>Writes a one-line problem report to <see cref="Error"/>.</summary>
    public void Problem(string message) => Error.WriteLine($"trainwatch: {message}");
}
