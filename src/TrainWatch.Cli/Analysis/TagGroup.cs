using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>The tags of one statistic: every layer's <c>grad_norm/…</c>, say, or a single tag such as <c>train/loss</c>.</summary>
/// <param name="Name"><c>grad_norm/*</c> for a per-layer statistic, else the tag itself.</param>
/// <param name="Kind">What its values are (the first tag's kind when the layers differ).</param>
/// <param name="Tags">Its tags, in tag order.</param>
internal sealed record TagGroup(string Name, ValueKind Kind, IReadOnlyList<TagInfo> Tags)
{
    /// <summary>The first step any of its tags has.</summary>
    public long FirstStep => Tags.Min(t => t.FirstStep);

    /// <summary>The last step any of its tags has.</summary>
    public long LastStep => Tags.Max(t => t.LastStep);
}
