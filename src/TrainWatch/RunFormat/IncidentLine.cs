using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainWatch.RunFormat;

/// <summary>One incident as read back from <see cref="AlertTags.Incidents"/>.</summary>
/// <param name="Id">Its number in the run, from 1: the alerts it groups end in <c> · incident Id</c>.</param>
/// <param name="Step">The sample step it started at.</param>
/// <param name="Layer">Where its root finding is.</param>
/// <param name="Kind">The root finding's alert kind (<c>exploding_gradient</c>).</param>
/// <param name="CauseClass">The likely cause's class (<c>lr-too-high</c>), from the watcher's fixed cause table.</param>
/// <param name="Cause">The likely cause, in words.</param>
/// <param name="WhatToTry">What to try.</param>
public sealed record IncidentLineParts(int Id, long Step, string Layer, string Kind, string CauseClass, string Cause, string WhatToTry);

/// <summary>
/// The start of an incident (one fault as a person meets it: a root finding and the findings it explains), written by
/// the watcher to <see cref="AlertTags.Incidents"/> on the step it starts, one markdown line:
/// <c>**incident I** · step N · `layer` · kind · cause-class: cause · try: what to try</c>. The root's own alert line and
/// every later finding it explains carry <c> · incident I</c> (<see cref="AlertLine"/>).
/// </summary>
public static partial class IncidentLine
{
    /// <summary>The markdown line of one incident, with its hard line break.</summary>
    public static string Format(int id, long step, string layer, string kind, string causeClass, string cause, string whatToTry) =>
        string.Create(CultureInfo.InvariantCulture, $"**incident {id}** · step {step} · `{layer}` · {kind} · {causeClass}: {cause} · try: {whatToTry}  \n");

    /// <summary>The parts of <paramref name="line"/> (trimmed), or null when it is not an incident line.</summary>
    public static IncidentLineParts? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = Pattern().Match(line.Trim());
        if (!match.Success || !int.TryParse(match.Groups["id"].ValueSpan, CultureInfo.InvariantCulture, out int id)
            || !long.TryParse(match.Groups["step"].ValueSpan, CultureInfo.InvariantCulture, out long step))
        {
            return null;
        }

        return new IncidentLineParts(id, step, match.Groups["layer"].Value, match.Groups["kind"].Value, match.Groups["class"].Value,
            match.Groups["cause"].Value, match.Groups["try"].Value);
    }

    // The cause may hold " · " of its own; "· try: " is the last separator.
    [GeneratedRegex(@"^\*\*incident (?<id>\d+)\*\* · step (?<step>-?\d+) · `(?<layer>[^`]*)` · (?<kind>[a-z_]+) · (?<class>[a-z-]+): (?<cause>.*) · try: (?<try>.*)$")]
    private static partial Regex Pattern();
}
