using TorchSharp;
using TrainWatch.Examples.FaultZoo.Models;
using static TorchSharp.torch;

namespace TrainWatch.Examples.FaultZoo.Zoo;

/// <summary>Plants a <see cref="Fault"/> into a training loop at its onset step, through the loop's four moments.</summary>
internal sealed class FaultPlanter(Fault fault, ZooModel model, optim.Optimizer optimizer, long onset, int every) : IDisposable
{
    // Kept Scalars (see docs/reliability.md): a temporary one can be freed mid-call by another thread's collection.
    private static readonly Scalar s_sunkBias = -1000f;
    private static readonly Scalar s_saturatingGain = 50f;
    private static readonly Scalar s_nan = float.NaN;

    private Tensor? _frozenWeights;

    /// <summary>Before the step's forward pass: weights, biases and learning rates.</summary>
    public void BeforeForward(long step)
    {
        using var _ = no_grad();
        switch (fault.Name)
        {
            case "nan-weight" when step == onset:
                Parameter($"{model.MiddleLayer}.weight").view(-1).narrow(0, 0, 1).fill_(s_nan);
                break;
            case "lr-x100" when step == onset:
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate *= 100;
                }

                break;
            case "dead-relu" when step >= onset:
                Parameter($"{model.ReluPlant!.Value.Feeder}.bias").fill_(s_sunkBias);
                break;
            case "saturate" when step == onset:
                Parameter($"{model.SaturationPlant!.Value.Feeder}.weight").mul_(s_saturatingGain);
                Parameter($"{model.SaturationPlant!.Value.Feeder}.bias").mul_(s_saturatingGain);
                break;
            case "frozen" when step == onset:
                _frozenWeights = Parameter($"{model.MiddleLayer}.weight").detach().clone().DetachFromDisposeScope();
                break;
        }
    }

    /// <summary>The step's input batch, possibly poisoned.</summary>
    public Tensor Input(long step, Tensor input)
    {
        if (fault.Name == "nan-input" && step == onset)
        {
            var poisoned = input.clone();
            poisoned.view(-1).narrow(0, 0, 1).fill_(s_nan);
            return poisoned;
        }

        return input;
    }

    /// <summary>After backward, before the watcher reads the gradients.</summary>
    public void AfterBackward(long step)
    {
        if (fault.Name == "grad-blowup" && step >= onset && Parameter($"{model.MiddleLayer}.weight").grad is { } grad)
        {
            using var _ = no_grad();
            double factor = Math.Pow(10, 2 + (double)(step - onset) / every);
            using Scalar scale = factor;
            grad.mul_(scale);
        }
    }

    /// <summary>After the optimizer step.</summary>
    public void AfterOptimizerStep(long step)
    {
        if (_frozenWeights is not null)
        {
            using var _ = no_grad();
            Parameter($"{model.MiddleLayer}.weight").copy_(_frozenWeights);
        }
    }

    public void Dispose() => _frozenWeights?.Dispose();

    private Tensor Parameter(string name) => model.named_parameters().Single(p => p.name == name).parameter;
}
