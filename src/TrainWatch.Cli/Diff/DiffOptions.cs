using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Diff;

/// <summary>Settings of a diff.</summary>
/// <param name="Threshold">A tag's onset is the first common step where the normalised distance exceeds this.</param>
/// <param name="Tags">Which histogram tags to compare.</param>
/// <param name="ExplodeFactor">Norm growth over the fitted window that counts as exploding.</param>
internal sealed record DiffOptions(double Threshold, TagGlob Tags, double ExplodeFactor)
{
    /// <summary>The default threshold: distributions apart by a fifth of their typical magnitude.</summary>
    public const double DefaultThreshold = 0.2;
}
