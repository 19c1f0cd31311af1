namespace TrainWatch.Cli.Reading;

/// <summary>What a command needs from a run, so nothing else is decoded or kept.</summary>
/// <param name="KeepScalars">Keep scalar values.</param>
/// <param name="KeepHistograms">Decode and keep histograms.</param>
/// <param name="KeepTexts">Keep text values.</param>
/// <param name="Tags">Keep values only for tags matching this filter.</param>
/// <param name="LatestOnly">Keep only the latest scalar and histogram per tag (for <c>tail</c>; texts are all kept).</param>
internal sealed record ReadOptions(bool KeepScalars, bool KeepHistograms, bool KeepTexts, TagGlob Tags, bool LatestOnly = false)
{
    /// <summary>Tags and integrity only.</summary>
    public static ReadOptions Structure { get; } = new(false, false, false, TagGlob.All);
}
