using TrainWatch.TorchSharp.Diagnosis;

namespace TrainWatch.Examples.Population;

/// <summary>
/// A kind of fault the population plants, the alert that reports it and the cause class a diagnosis should name.
/// </summary>
/// <param name="Name">Its name in reports.</param>
/// <param name="Expected">The alert kind that reports it.</param>
/// <param name="Cause">The cause class (as in the cause table of docs/diagnosis.md).</param>
/// <param name="Gradual">Whether it creeps in (judged within 5 intervals) rather than starting at once (within 1).</param>
/// <param name="Description">What is planted.</param>
public sealed record FaultKind(string Name, AlertKind Expected, string Cause, bool Gradual, string Description)
{
    public static IReadOnlyList<FaultKind> All { get; } =
    [
        new("grad-blowup", AlertKind.ExplodingGradient, "exploding-layer", false, "a block's weight gradient ×100 at the onset, then ×10 more every sampling interval"),
        new("grad-creep", AlertKind.ExplodingGradient, "exploding-layer", true, "a block's weight gradient ×r^(steps since onset), r drawn from 1.02–1.05"),
        new("lr-x10", AlertKind.LearningRateJump, "lr-too-high", false, "every learning rate ×10"),
        new("lr-x100", AlertKind.LearningRateJump, "lr-too-high", false, "every learning rate ×100"),
        new("lr-x1000", AlertKind.LearningRateJump, "lr-too-high", false, "every learning rate ×1000"),
        new("nan-weight", AlertKind.NonFinite, "non-finite-weight", false, "one weight of a block set to NaN"),
        new("inf-weight", AlertKind.NonFinite, "non-finite-weight", false, "one weight of a block set to +∞"),
        new("nan-input", AlertKind.NonFinite, "bad-input", false, "one value of every input batch NaN from the onset (a broken data pipeline)"),
        new("dead-relu", AlertKind.DeadUnits, "dead-relu", false, "the bias right before a block's ReLU sunk to -1000 at every step"),
        new("frozen", AlertKind.UnchangedWeights, "frozen", false, "a block's weights put back after every optimizer step (left out of the optimizer)"),
        new("saturate", AlertKind.SaturatedActivation, "saturation", false, "the weights and bias right before a block's tanh ×50"),
        new("unsafe-op", AlertKind.NonFinite, "unsafe-op", false, "ours: a block's activation output passed through log(x − 10) from the onset (NaN from finite inputs)"),
        new("loss-log0", AlertKind.NonFinite, "unsafe-loss", false, "ours: a hand-written loss that takes log(0) from the onset (−∞ from finite outputs)"),
    ];

    /// <summary>Whether the fault is localised on a sample step only (NaN spreads to every weight within one optimizer step).</summary>
    public bool OnSampleStep => Expected == AlertKind.NonFinite;

    /// <summary>Whether the planted block must use this activation for the fault to mean anything.</summary>
    public Activation? NeedsActivation => Name switch
    {
        "dead-relu" => Activation.ReLU,
        "saturate" => Activation.Tanh,
        _ => null,
    };
}

/// <summary>A fault drawn for a setup: what, where (block index) and when.</summary>
public sealed record FaultDraw(FaultKind Kind, int Block, long Onset, double Rate)
{
    /// <summary>Draws a fault for <paramref name="setup"/>: the kind cycles with the seed, layer and step are random.</summary>
    public static FaultDraw Draw(int seed, Setup setup)
    {
        var r = new Random(seed ^ 0x5bd1e995);
        var kind = FaultKind.All[seed % FaultKind.All.Count];
        long onset = (long)(setup.Steps * (0.3 + (0.4 * r.NextDouble())));
        if (kind.OnSampleStep)
        {
            onset = onset / setup.Every * setup.Every;
        }

        return new FaultDraw(kind, r.Next(setup.Depth), onset, 1.02 + (0.03 * r.NextDouble()));
    }

    /// <summary>The place the headline alert should name.</summary>
    public string ExpectedLayer(Net net) => Kind.Name switch
    {
        "lr-x10" or "lr-x100" or "lr-x1000" => "lr",
        "nan-input" => "input",
        "loss-log0" => "loss",
        "dead-relu" or "saturate" or "unsafe-op" => $"{Net.BlockPath(Block)}.act",
        _ => $"{Net.BlockPath(Block)}.fc",
    };
}
