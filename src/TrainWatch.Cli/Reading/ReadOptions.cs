namespace TrainWatch.Cli.Reading;

/// <summary>What a command needs from a run, so nothing else is decoded or kept.</summary>
/// <param name="KeepScalars">Keep scalar values.</param>
/// <param name="KeepHistograms">Decode and keep histograms.</param>
/// <param name="KeepTexts">Keep text values.</param>
/// <param name="Tags">Keep values only for tags matching this filter.</param>
/// <param name="LatestOnly">
/// Keep only the latest values per tag (for <c>tail</c>): the last <paramref name="RecentScalars"/> scalars and the last
/// histogram; texts are all kept.
/// </param>
/// <param name="ScalarTags">
/// Keep scalar values for tags matching this filter instead of <paramref name="Tags"/> (diff compares the histograms
/// the user selects but always reads the loss, learning rates, norms and NaN counts it needs for its verdict).
/// </param>
/// <param name="EveryText">
/// With <paramref name="LatestOnly"/>, the tags whose every text is kept (tail's alerts); of other tags only the latest.
/// </param>
/// <param name="SummarizeHistograms">
/// Decode histograms but keep only their <see cref="HistogramStats"/>, never their buckets (diff's first pass: its memory
/// must not grow with the buckets of every step of every tag). Takes the place of <paramref name="KeepHistograms"/>.
/// </param>
/// <param name="TextTags">
/// Keep text values for tags matching this filter instead of <paramref name="Tags"/> (diff reads the watcher's alerts and
/// incidents whatever histogram tags the user selects).
/// </param>
/// <param name="RecentScalars">
/// With <paramref name="LatestOnly"/>, how many of a tag's latest scalars are kept: tail's sparklines and its gradient-jump
/// rule need a short history, not the whole run.
/// </param>
internal sealed record ReadOptions(bool KeepScalars, bool KeepHistograms, bool KeepTexts, TagGlob Tags, bool LatestOnly = false, TagGlob? ScalarTags = null, int RecentScalars = 1, bool SummarizeHistograms = false, TagGlob? EveryText = null, TagGlob? TextTags = null)
{
    /// <summary>Tags and integrity only.</summary>
    public static ReadOptions Structure { get; } = new(false, false, false, TagGlob.All);
}
