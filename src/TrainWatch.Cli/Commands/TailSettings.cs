using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Commands;

/// <summary>The options of one <c>tail</c>.</summary>
/// <param name="LogDirectory">The directory followed.</param>
/// <param name="Once">Read once and exit.</param>
/// <param name="Duration">Stop after this many seconds.</param>
/// <param name="Interval">Seconds between reads.</param>
/// <param name="Tags">Tag filter for values (alerts are always shown when their tag matches).</param>
/// <param name="Json">One JSON object per line.</param>
/// <param name="TagTable">
/// Show the latest value of every tag (<c>--tags</c>, with or without a filter) instead of the dashboard.
/// </param>
internal sealed record TailSettings(string LogDirectory, bool Once, double? Duration, double Interval, TagGlob Tags, bool Json, bool TagTable = false);
