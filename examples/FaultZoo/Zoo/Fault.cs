using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.TorchSharp.Diagnosis;

namespace TrainWatch.Examples.FaultZoo.Zoo;

/// <summary>
/// A fault planted into a training run at the onset step, what a watcher should say about it, and where
/// <c>trainwatch diff</c> against the healthy twin should point.
/// </summary>
/// <param name="Name">The fault's name on the command line.</param>
/// <param name="Expected">The alert kind that reports it.</param>
/// <param name="Description">What is planted.</param>
public sealed record Fault(string Name, AlertKind? Expected, string Description)
{
    public static Fault Healthy { get; } = new("healthy", null, "no fault");

    public static Fault Converge { get; } = new("converge", null, "no fault; one fixed batch memorised with momentum until the loss is near zero");

    public static Fault GradientBlowUp { get; } = new("grad-blowup", AlertKind.ExplodingGradient, "the middle layer's gradient multiplied by 100, then 10× more every sampling interval");

    public static Fault LearningRateJump { get; } = new("lr-x100", AlertKind.LearningRateJump, "every learning rate multiplied by 100");

    public static Fault NaNWeight { get; } = new("nan-weight", AlertKind.NonFinite, "one weight of the middle layer set to NaN");

    public static Fault NaNInput { get; } = new("nan-input", AlertKind.NonFinite, "one value of the input batch set to NaN");

    public static Fault DeadReLU { get; } = new("dead-relu", AlertKind.DeadUnits, "the bias before a ReLU sunk to -1000 at every step");

    public static Fault Saturation { get; } = new("saturate", AlertKind.SaturatedActivation, "the weights before a sigmoid multiplied by 50");

    public static Fault Frozen { get; } = new("frozen", AlertKind.UnchangedWeights, "the middle layer's weights put back after every optimizer step (as if left out of the optimizer)");

    public static IReadOnlyList<Fault> All { get; } = [Healthy, Converge, GradientBlowUp, LearningRateJump, NaNWeight, NaNInput, DeadReLU, Saturation, Frozen];

    /// <summary>Whether this is one of the runs that must raise no alert at all.</summary>
    public bool IsHealthy => Expected is null;

    /// <summary>Whether the fault can be planted in <paramref name="model"/>.</summary>
    public bool AppliesTo(ZooModel model) => Name switch
    {
        "dead-relu" => model.ReluPlant is not null,
        "saturate" => model.SaturationPlant is not null,
        _ => true,
    };

    /// <summary>The place an alert should name: a module path, a parameter's module, <c>input</c> or <c>lr</c>.</summary>
    public string? ExpectedLayer(ZooModel model) => Name switch
    {
        "grad-blowup" or "nan-weight" or "frozen" => model.MiddleLayer,
        "nan-input" => "input",
        "lr-x100" => "lr",
        "dead-relu" => model.ReluPlant?.Activation,
        "saturate" => model.SaturationPlant?.Activation,
        _ => null,
    };

    /// <summary>The module whose parameters <c>diff</c> should name (where the fault changed something), or null.</summary>
    public string? ExpectedDiffLayer(ZooModel model) => Name switch
    {
        "grad-blowup" or "nan-weight" or "frozen" => model.MiddleLayer,
        "dead-relu" => model.ReluPlant?.Feeder,
        "saturate" => model.SaturationPlant?.Feeder,
        _ => null,
    };

    /// <summary>Whether an alert or diff naming <paramref name="named"/> names <paramref name="expected"/> (a module names its parameters).</summary>
    public static bool SameLayer(string? named, string? expected) =>
        named is not null && expected is not null
        && (named == expected || named.StartsWith(expected + ".", StringComparison.Ordinal) || named.StartsWith(expected + "/", StringComparison.Ordinal));
}
