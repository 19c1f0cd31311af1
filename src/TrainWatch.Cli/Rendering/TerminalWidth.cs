using System.Globalization;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// How many columns the text output may use. <c>COLUMNS</c> first (a user who sets it means it, even in a wider
/// terminal), then the terminal's own width, then <see cref="Piped"/> for pipes and files.
/// </summary>
internal static class TerminalWidth
{
    /// <summary>The width of output that goes to a pipe or a file: what a pager, an editor or a log viewer shows unwrapped.</summary>
    public const int Piped = 80;

    /// <summary>Narrower than this, no table can be laid out readably; such a setting is taken as a mistake.</summary>
    public const int Minimum = 20;

    /// <summary>The width set by <c>COLUMNS</c>, or null when it is unset or not a sensible number of columns.</summary>
    public static int? FromColumns(string? columns) =>
        int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out int width) && width >= Minimum ? width : null;

    /// <summary>The width to lay out for: <paramref name="columns"/> when set, the terminal's when interactive, else <see cref="Piped"/>.</summary>
    public static int Resolve(int? columns, bool interactive) =>
        columns ?? (interactive && ConsoleWidth() is { } terminal ? terminal : Piped);

    private static int? ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth >= Minimum ? Console.WindowWidth : null;
        }
        catch (IOException)
        {
            return null; // no console attached after all
        }
    }
}
