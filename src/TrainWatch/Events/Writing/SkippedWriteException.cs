namespace TrainWatch.Events;

/// <summary>
/// A file write that was not attempted because the disk failed a moment ago and its retry delay has not passed (see
/// <see cref="RetryBackoff"/>). An <see cref="IOException"/>, so callers that handle disk errors handle this too; the
/// writer counts what it cost as lost but not as another write error, since the disk was not touched.
/// </summary>
internal sealed class SkippedWriteException(string message) : IOException(message);
