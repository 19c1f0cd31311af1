namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>A likely cause of an incident and what to try.</summary>
/// <param name="Class">A short, stable name (<c>lr-too-high</c>, <c>exploding-layer</c>, …).</param>
/// <param name="Description">The cause, for people.</param>
/// <param name="WhatToTry">What to change.</param>
public sealed record Cause(string Class, string Description, string WhatToTry);

/// <summary>
/// The fixed table from an incident's root finding to its likely cause: a short list a person can act on, the same
/// for every model.
/// </summary>
public static class CauseTable
{
    private static readonly Cause s_learningRateTooHigh = new("lr-too-high", "the learning rate is too high", "lower it, or warm it up over the first steps");
    private static readonly Cause s_explodingLayer = new("exploding-layer", "one layer's gradient is blowing up", "clip gradients, and check that layer's initialisation and scale");
    private static readonly Cause s_badInput = new("bad-input", "NaN or ±∞ in the input batch", "check the data pipeline (missing values, division by zero in preprocessing)");
    private static readonly Cause s_nonFiniteWeight = new("non-finite-weight", "a weight holds NaN or ±∞", "find what wrote it (a load, a manual edit, an optimizer step after a non-finite gradient), and clip gradients");
    private static readonly Cause s_unsafeOp = new("unsafe-op", "a module made NaN or ±∞ from finite inputs: a numerically unsafe operation", "guard log, division and sqrt with an epsilon or a clamp");
    private static readonly Cause s_unsafeLoss = new("unsafe-loss", "the loss function made NaN or ±∞ from finite outputs", "use a numerically stable loss (log-softmax, with logits) or clamp its inputs");
    private static readonly Cause s_deadRelu = new("dead-relu", "ReLU units died (zero for every input)", "lower the learning rate, use LeakyReLU, or initialise biases slightly positive");
    private static readonly Cause s_saturation = new("saturation", "a sigmoid/tanh saturated (its gradient all but vanishes)", "check the initialisation scale, or add normalisation before it");
    private static readonly Cause s_frozen = new("frozen", "a layer does not train", "check requires_grad and that its parameters are in the optimizer's parameter groups");
    private static readonly Cause s_vanishingGradient = new("vanishing-gradient", "gradients vanish before they reach the early layers", "add residual connections or normalisation, or use a non-saturating activation");
    private static readonly Cause s_lossProblem = new("loss-behaviour", "the loss does not behave (diverges, oscillates or stalls)", "lower the learning rate; check labels and loss function");
    private static readonly Cause s_badInitialValues = new("bad-init", "parameters held values no initialiser produces before training", "initialise them (for example GroupNorm: weight 1, bias 0)");

    /// <summary>Every cause of the table, in the order a person would check them.</summary>
    public static IReadOnlyList<Cause> All { get; } = [s_learningRateTooHigh, s_explodingLayer, s_badInput, s_nonFiniteWeight, s_unsafeOp, s_unsafeLoss, s_deadRelu, s_saturation, s_frozen, s_vanishingGradient, s_lossProblem, s_badInitialValues];

    /// <summary>The cause of an incident whose root is <paramref name="root"/>.</summary>
    public static Cause For(Alert root) => root.Kind switch
    {
        AlertKind.LearningRateJump => s_learningRateTooHigh,
        AlertKind.ExplodingGradient => s_explodingLayer,
        AlertKind.NonFinite when root.Layer == "input" => s_badInput,
        AlertKind.NonFinite when root.Layer == "loss" => s_unsafeLoss,
        AlertKind.NonFinite when root.Message.Contains("from finite inputs", StringComparison.Ordinal) => s_unsafeOp,
        AlertKind.NonFinite when root.Message.Contains("in the gradient of", StringComparison.Ordinal) => s_explodingLayer,
        AlertKind.NonFinite => s_nonFiniteWeight,
        AlertKind.DeadUnits => s_deadRelu,
        AlertKind.SaturatedActivation => s_saturation,
        AlertKind.UnchangedWeights => s_frozen,
        AlertKind.VanishingGradient => s_vanishingGradient,
        AlertKind.SuspectParameters => s_badInitialValues,
        _ => s_lossProblem,
    };
}
