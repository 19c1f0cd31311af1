using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>Everything one sample step measured, on the host after the single copy.</summary>
/// <param name="Step">The training step sampled.</param>
/// <param name="Loss">The loss passed to <c>Step</c>, if any.</param>
/// <param name="Parameters">Per parameter: its weights and, when it has one, its gradient.</param>
/// <param name="Activations">Per watched module output, from this step's training forward pass, in execution order.</param>
/// <param name="Updates">Update-to-weight norms of an earlier optimizer step, if one was measured since the last sample.</param>
/// <param name="LearningRates">The learning rate of every parameter group, named.</param>
/// <param name="StepsPerSecond">Training speed since the previous sample step (NaN at the first).</param>
internal sealed record SampleData(
    long Step,
    double? Loss,
    IReadOnlyList<ParameterSample> Parameters,
    IReadOnlyList<ActivationSample> Activations,
    UpdateSample? Updates,
    IReadOnlyList<(string Name, double Value)> LearningRates,
    double StepsPerSecond)
{
    /// <summary>NaN values in the model's input batch on this step (0 when not measured).</summary>
    public double InputNaNCount { get; init; }

    /// <summary>±∞ values in the model's input batch on this step (0 when not measured).</summary>
    public double InputInfCount { get; init; }

    /// <summary>The L2 norm of all gradients together (NaN when there are none).</summary>
    public double GlobalGradientNorm
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            // A loop, not LINQ: the rules and the summary read it on every sample step, on the training thread.
            double sum = 0;
            bool any = false;
            foreach (var p in Parameters)
            {
                if (p.Gradient is { } g)
                {
                    any = true;
                    sum += g.HasNonFinite ? double.NaN : g.SumOfSquares;
                }
            }

            return any ? Math.Sqrt(sum) : double.NaN;
        }
    }
}

/// <summary>One parameter's weights and gradient.</summary>
/// <param name="Name">Its module path, e.g. <c>features.0.weight</c>.</param>
/// <param name="Weight">Statistics of the weights.</param>
/// <param name="Gradient">Statistics of the gradient; null when <c>grad</c> was null.</param>
internal sealed record ParameterSample(string Name, TensorStats Weight, TensorStats? Gradient);

/// <summary>One module output.</summary>
/// <param name="Name">Its module path, e.g. <c>features.2</c>, or path/element for a tuple output (<c>gru/output</c>).</param>
/// <param name="Output">Statistics of its output tensor.</param>
internal sealed record ActivationSample(string Name, TensorStats Output)
{
    /// <summary>The module's path (<c>gru</c> for <c>gru/h_n</c>; empty for the model itself).</summary>
    public string ModulePath { get; init; } = Name;

    /// <summary>For sigmoid and tanh modules: the fraction of outputs within 1 % of the limits; null for others.</summary>
    public double? SaturatedFraction { get; init; }
}

/// <summary>The size of one optimizer step relative to the weights, per parameter.</summary>
/// <param name="Step">The step whose weights the update starts from.</param>
/// <param name="Ratios">Per parameter: ‖Δw‖, ‖w‖.</param>
internal sealed record UpdateSample(long Step, IReadOnlyList<(string Name, double UpdateNorm, double WeightNorm)> Ratios);
