namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>Thresholds of the alert rules. The defaults stay quiet on a healthy run and fire on real trouble.</summary>
public sealed record AlertOptions
{
    /// <summary>
    /// A layer's gradient norm above this multiple of the largest of its recent norms (<see cref="HistoryWindow"/>
    /// samples) is exploding. The recent maximum, not the median: once the loss is near zero, healthy gradient norms
    /// are heavy-tailed (up to ~100× their median on the example), but stay within ~4× of their recent maximum.
    /// </summary>
    public double ExplodingFactor { get; init; } = 10;

    /// <summary>
    /// Layers whose gradient norm is below this fraction of the global norm are ignored by the exploding rule: their
    /// jumps are noise (a conv bias followed by batch norm gets a gradient of ~1e-8).
    /// </summary>
    public double SignificantFraction { get; init; } = 0.01;

    /// <summary>A global gradient norm above this is exploding, whatever its history.</summary>
    public double GlobalGradientNormLimit { get; init; } = 1e4;

    /// <summary>
    /// A layer's gradient norm this many times below its running median has vanished. Relative, because some healthy
    /// parameters always have tiny gradients (a conv bias followed by batch norm gets exactly none).
    /// </summary>
    public double VanishingFactor { get; init; } = 1e3;

    /// <summary>A global gradient norm below this (all layers together) has vanished.</summary>
    public double GlobalVanishingNorm { get; init; } = 1e-9;

    /// <summary>
    /// A module at least this fraction of whose units (features of a linear output, channels of a conv output) are
    /// zero for the whole batch has dead units. Whole-batch, per unit: a zero fraction over a few samples is too noisy
    /// to alert on.
    /// </summary>
    public double DeadUnitFraction { get; init; } = 0.5;


    /// <summary>How many past samples the running statistics look at.</summary>
    public int HistoryWindow { get; init; } = 20;

    /// <summary>Samples of history a layer needs before the median rule may fire.</summary>
    public int WarmupSamples { get; init; } = 3;
}
