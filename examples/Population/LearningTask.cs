using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.Population;

/// <summary>
/// The learning task of a setup, generated: clusters for MLPs, patterned images for CNNs, sequences carrying a
/// class pattern for recurrent and attention models, low-rank data to reconstruct for encoder–decoders. The noise
/// sets the difficulty: a noisy task levels off at a loss well above zero, with mini-batch noise on top.
/// Scalars are kept for the task's life: a temporary one can be freed while libtorch still reads it.
/// </summary>
public sealed class LearningTask : IDisposable
{
    public const int Side = 8;
    public const int Steps = 6;
    private readonly Setup _setup;
    private readonly Generator _generator;
    private readonly Tensor _patterns;
    private readonly Scalar _noise;

    public LearningTask(Setup setup)
    {
        _setup = setup;
        _generator = new Generator((ulong)setup.Seed * 7919UL + 17UL);
        long[] shape = setup.Family switch
        {
            Family.Cnn => [setup.Classes, 3 * Side * Side],
            Family.Recurrent or Family.Attention => [setup.Classes, Steps * setup.Features],
            Family.EncoderDecoder => [3, setup.Features],
            _ => [setup.Classes, setup.Features],
        };
        _patterns = randn(shape, generator: _generator).DetachFromDisposeScope();
        _noise = setup.Noise;
    }

    /// <summary>Whether the loss is a reconstruction error (mean squared) rather than cross-entropy.</summary>
    public bool Reconstructs => _setup.Family == Family.EncoderDecoder;

    /// <summary>A fresh batch (or, for a fixed-batch setup, whatever the caller keeps).</summary>
    public (Tensor X, Tensor Y) Batch()
    {
        int n = _setup.BatchSize;
        if (Reconstructs)
        {
            // Points on a 3-dimensional subspace plus noise: the code layer can hold it.
            var z = randn([n, 3], generator: _generator);
            var clean = z.matmul(_patterns);
            return (clean.add(randn(clean.shape, generator: _generator).mul_(_noise)), clean);
        }

        var y = randint(0, _setup.Classes, [n], generator: _generator);
        var flat = functional.one_hot(y, _setup.Classes).to(ScalarType.Float32).matmul(_patterns);
        var x = flat.add(randn(flat.shape, generator: _generator).mul_(_noise));
        long[] shape = _setup.Family switch
        {
            Family.Cnn => [n, 3, Side, Side],
            Family.Recurrent or Family.Attention => [n, Steps, _setup.Features],
            _ => [n, _setup.Features],
        };
        return (x.reshape(shape), y);
    }

    public Tensor Loss(Tensor output, Tensor target) => Reconstructs ? functional.mse_loss(output, target) : functional.cross_entropy(output, target);

    public void Dispose()
    {
        _patterns.Dispose();
        _noise.Dispose();
        _generator.Dispose();
    }
}
