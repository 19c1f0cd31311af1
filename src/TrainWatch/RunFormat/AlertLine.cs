using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainWatch.RunFormat;

/// <summary>One alert line as read back: its step, its layer, and the rest of the line (the message, then its incident).</summary>
/// <param name="Step">The training step the alert was raised at.</param>
/// <param name="Layer">The parameter or module path, or <c>(global)</c>/<c>loss</c>.</param>
/// <param name="Text">Everything after the layer: the message and, from the watcher, <c> · incident N</c>.</param>
public sealed record AlertLineParts(long Step, string Layer, string Text);

/// <summary>
/// One alert in an alert text (<see cref="AlertTags"/>): the watcher writes one text per alert kind and sample step, one
/// markdown line per alert, <c>**step N** · `layer` · message · incident I</c>.
/// </summary>
public static partial class AlertLine
{
    /// <summary>The markdown line of one alert, with its hard line break (two spaces and a newline).</summary>
    public static string Format(long step, string layer, string message, int incident) =>
        string.Create(CultureInfo.InvariantCulture, $"**step {step}** · `{layer}` · {message} · incident {incident}  \n");

    /// <summary>The parts of <paramref name="line"/> (trimmed), or null when it is not in the watcher's form (another writer's text).</summary>
    public static AlertLineParts? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = WatcherLine().Match(line);
        return match.Success && long.TryParse(match.Groups["step"].ValueSpan, CultureInfo.InvariantCulture, out long step)
            ? new AlertLineParts(step, match.Groups["layer"].Value, match.Groups["message"].Value)
            : null;
    }

    /// <summary>
    /// Splits the watcher's <c> · incident N</c> off the end of an alert's text: the message, and the incident it
    /// belongs to (null when the text names none: another writer's, or a run from before incidents).
    /// </summary>
    public static (string Message, int? Incident) SplitIncident(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = IncidentSuffix().Match(text);
        return match.Success && int.TryParse(match.Groups["id"].ValueSpan, CultureInfo.InvariantCulture, out int id)
            ? (text[..match.Index], id)
            : (text, null);
    }

    [GeneratedRegex(@" · incident (?<id>\d+)$")]
    private static partial Regex IncidentSuffix();

    [GeneratedRegex(@"^\*\*step (?<step>-?\d+)\*\* · `(?<layer>[^`]*)` · (?<message>.*)$")]
    private static partial Regex WatcherLine();
}
