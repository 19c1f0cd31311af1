namespace TrainWatch.TorchSharp;

/// <summary>
/// Thresholds of the alert rules. The defaults stay quiet on healthy and converged runs (checked on the fault zoo,
/// docs/diagnosis.md) and fire within one sampling interval on real trouble.
/// </summary>
public sealed record AlertOptions
{
    /// <summary>
    /// A layer's gradient norm is exploding when it is above this multiple of the largest of its recent norms
    /// (<see cref="HistoryWindow"/> samples) and above the largest it ever had (the run's own scale: a converged
    /// model's blip from 0.002 to 0.1 is no explosion when early training saw 2) — or rising alone, its share of the
    /// global norm this many times its running median while its own norm tripled (one layer blowing up, where a loss
    /// blip moves all together). A jump (rising alone, or above this factor squared times its recent largest) fires
    /// when the next sample is still at least half as high (a blow-up stays up; one hard minibatch makes a one-sample
    /// spike); a smaller rise when it goes on growing on the next sample (not one rise off a plateau); at once only
    /// while the global norm is past its limit. A gradient that
    /// overflowed to ±∞ while its weights are finite is exploding too.
    /// </summary>
    public double ExplodingFactor { get; init; } = 10;

    /// <summary>
    /// Layers whose gradient norm is below this fraction of the global norm are ignored by the gradient rules: their
    /// jumps are noise (a conv bias followed by batch norm gets a gradient of ~1e-8).
    /// </summary>
    public double SignificantFraction { get; init; } = 0.01;

    /// <summary>A global gradient norm above this is exploding, whatever its history.</summary>
    public double GlobalGradientNormLimit { get; init; } = 1e4;

    /// <summary>
    /// A weight matrix or kernel whose gradient norm is this many times below its running median on two samples in a
    /// row has vanished — unless the loss fell nearly as much over the same samples (<see cref="LossFollowFactor"/>):
    /// gradients shrink when the loss does. Biases and gains are left out: their gradient is a sum of signed terms
    /// that can cancel to almost nothing on a healthy step.
    /// </summary>
    public double VanishingFactor { get; init; } = 1e3;

    /// <summary>
    /// Vanishing must outpace the loss: the gradient's fall must exceed the loss's fall over the same window by this
    /// factor.
    /// </summary>
    public double LossFollowFactor { get; init; } = 10;

    /// <summary>A global gradient norm below this (all layers together) on two samples in a row has vanished, unless the loss fell 1000× since the start.</summary>
    public double GlobalVanishingNorm { get; init; } = 1e-9;

    /// <summary>
    /// A module at least this fraction of whose units (features of a linear output, channels of a conv output) are
    /// zero for the whole batch has dead units. Whole-batch, per unit: a zero fraction over a few samples is too noisy
    /// to alert on.
    /// </summary>
    public double DeadUnitFraction { get; init; } = 0.5;

    /// <summary>
    /// A sigmoid or tanh module at least this fraction of whose outputs are within 1 % of its limits (sigmoid below
    /// 0.01 or above 0.99, |tanh| above 0.99) is saturated.
    /// </summary>
    public double SaturatedFraction { get; init; } = 0.5;

    /// <summary>
    /// The loss is diverging when its level (the third lowest of the last nine samples: seven of them are at or above
    /// it) is above twice its lowest such level and
    /// has climbed back this fraction of the way from that lowest point to where the run started.
    /// </summary>
    public double LossDivergingFraction { get; init; } = 0.5;

    /// <summary>
    /// A diverging loss must also have risen this many times its own noise where it was lowest (a robust standard
    /// deviation of the raw sample losses), and stay so on two samples: a task that levels off at a loss of 0.3 with
    /// mini-batches swinging it to 0.9 is noisy, not diverging.
    /// </summary>
    public double LossNoiseFactor { get; init; } = 4;

    /// <summary>
    /// Samples after which a loss that never went 5 % below its start is reported as not decreasing. Long, because a
    /// slow start is no failure (a small MLP on the zoo's data is still within 4 % of its start after 10 samples).
    /// </summary>
    public int LossPlateauSamples { get; init; } = 50;

    /// <summary>
    /// And at least this many training steps: sampling every step, 50 samples are no plateau; and slow starters of the
    /// diagnosis population (recurrent nets under plain SGD) first went 5 % below their start after 450–570 steps, then
    /// trained well.
    /// </summary>
    public int LossPlateauSteps { get; init; } = 1000;

    /// <summary>
    /// The loss oscillates when, over the last 16 samples, it changed direction on every one, by 1.5× or more each time, and swung by more than
    /// this fraction of its starting value.
    /// </summary>
    public double OscillationAmplitude { get; init; } = 0.5;

    /// <summary>A learning rate that rises at least this many times between two samples is reported (informational).</summary>
    public double LearningRateJumpFactor { get; init; } = 10;

    /// <summary>How many past samples the running statistics look at.</summary>
    public int HistoryWindow { get; init; } = 20;

    /// <summary>Samples of history a layer needs before the relative rules may fire.</summary>
    public int WarmupSamples { get; init; } = 3;

    /// <summary>
    /// Hysteresis: once raised, an alert is raised again for the same kind and place only after its condition has been
    /// clear for this many samples in a row, so a value wobbling around a threshold gives one alert, not one a sample.
    /// </summary>
    public int RearmAfterSamples { get; init; } = 5;

    /// <summary>
    /// Alerts join the open incident as its consequences until this many samples in a row raised none; the next
    /// alert then starts a new incident.
    /// </summary>
    public int IncidentQuietSamples { get; init; } = 5;
}
