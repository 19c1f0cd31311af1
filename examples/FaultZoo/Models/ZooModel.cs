using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>
/// A model of the zoo: a module that takes one batch and returns logits, the data it learns from, and the loss that
/// fits its output. Each architecture makes its own synthetic, learnable data (no downloads).
/// </summary>
public abstract class ZooModel : Module<Tensor, Tensor>
{
    protected ZooModel(string name) : base(name)
    {
    }

    /// <summary>A batch of <paramref name="size"/> inputs and targets, from <paramref name="generator"/>.</summary>
    public abstract (Tensor Input, Tensor Target) Batch(int size, Generator generator);

    /// <summary>The training loss of <paramref name="output"/> against <paramref name="target"/>.</summary>
    public virtual Tensor Loss(Tensor output, Tensor target) => functional.cross_entropy(output, target);

    /// <summary>The path of a middle layer with a weight: where faults are planted by default.</summary>
    public abstract string MiddleLayer { get; }

    /// <summary>A module whose bias, sunk far below zero, kills the ReLU after it (and that ReLU); null when the model has none.</summary>
    public abstract (string Feeder, string Activation)? ReluPlant { get; }

    /// <summary>A module whose weights, scaled up, saturate the sigmoid/tanh after it; null when the model has none.</summary>
    public virtual (string Feeder, string Activation)? SaturationPlant => null;
}
