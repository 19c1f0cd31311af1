namespace TrainWatch.Cli.Analysis;

/// <summary>A text summary under <c>alerts/</c>: what TrainWatch's watcher writes when a rule fires.</summary>
/// <param name="Run">The run.</param>
/// <param name="Tag">The alert's tag.</param>
/// <param name="Step">The step it fired at.</param>
/// <param name="Text">Its message.</param>
internal sealed record AlertEntry(string Run, string Tag, long Step, string Text);
