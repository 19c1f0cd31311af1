using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Analysis;

/// <summary>Settings of a diff.</summary>
/// <param name="Threshold">A tag's onset is the first common step where the normalised distance exceeds this.</param>
/// <param name="Tags">Which histogram tags to compare.</param>
/// <param name="ExplodeFactor">Norm growth over the fitted window that counts as exploding.</param>
/// <param name="MaxPointsPerTag">
/// At most this many common steps per tag are kept for the reports' per-step series (distances, norm and std ratios);
/// 0 keeps all. Onsets, maxima, explosions and the verdict are computed on every step before that.
/// </param>
internal sealed record DiffOptions(double Threshold, TagGlob Tags, double ExplodeFactor, int MaxPointsPerTag = DiffOptions.DefaultMaxPointsPerTag)
{
    /// <summary>
    /// The default for <see cref="MaxPointsPerTag"/>: a week-long run sampled every 10 steps still reports at most
    /// 10,000 points per tag (~320 KB), while the benchmark runs of up to 10,000 steps are reported whole.
    /// </summary>
    public const int DefaultMaxPointsPerTag = 10_000;

    /// <summary>The default threshold: distributions apart by a fifth of their typical magnitude.</summary>
    public const double DefaultThreshold = 0.2;
}
