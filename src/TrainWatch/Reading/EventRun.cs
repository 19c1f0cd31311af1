namespace TrainWatch.Events;

/// <summary>A run: one directory holding event files, as TensorBoard sees it.</summary>
/// <param name="Name">The directory relative to the log directory, with <c>/</c> separators; <c>.</c> for the log directory itself.</param>
/// <param name="Directory">The directory (absolute).</param>
/// <param name="Files">Its event files (absolute paths) in ordinal name order, which is the order they were started in.</param>
public sealed record EventRun(string Name, string Directory, IReadOnlyList<string> Files);
