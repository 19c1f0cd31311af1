using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Support;

/// <summary>A conv + batch-norm + ReLU + linear model small enough for fast tests (input 3×8×8, 3 classes).</summary>
public sealed class SmallCnn : Module<Tensor, Tensor>
{
    // Kept Scalars rather than literals: a temporary Scalar can be freed mid-call by another thread's garbage
    // collection in optimized code (see DeviceScalars), and these run in every test's training step.
    private static readonly Scalar s_noiseScale = 0.5f;
    private static readonly Scalar s_signalScale = 1.5f;

    private readonly Sequential features;
    private readonly Sequential classifier;

    public SmallCnn() : base(nameof(SmallCnn))
    {
        features = Sequential(
            ("0", Conv2d(3, 4, 3, padding: 1)),
            ("1", BatchNorm2d(4)),
            ("2", ReLU()),
            ("3", MaxPool2d(2)));
        classifier = Sequential(
            ("0", Flatten()),
            ("1", Linear(4 * 4 * 4, 8)),
            ("2", ReLU()),
            ("3", Linear(8, 3)));
        RegisterComponents();
    }

    public Sequential Features => features;

    public Sequential Classifier => classifier;

    public override Tensor forward(Tensor input) => classifier.call(features.call(input));

    /// <summary>
    /// One ordinary training step on a fresh batch, in the order the README gives: zero_grad, forward through
    /// <c>call</c>, backward, <c>watch.Step(loss)</c>, <c>optimizer.step()</c>.
    /// </summary>
    public void TrainStep(optim.Optimizer optimizer, TrainWatcher watch, Generator generator, int batchSize = 8)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Batch(batchSize, generator);
        optimizer.zero_grad();
        var loss = functional.cross_entropy(call(x), y);
        loss.backward();
        watch.Step(loss);
        optimizer.step();
    }

    /// <summary>A learnable synthetic batch: the class is which colour channel is brightest.</summary>
    public static (Tensor X, Tensor Y) Batch(int size, Generator generator)
    {
        var y = randint(0, 3, [size], generator: generator);
        var x = randn([size, 3, 8, 8], generator: generator).mul_(s_noiseScale);
        x.add_(functional.one_hot(y, 3).to(ScalarType.Float32).reshape(size, 3, 1, 1), s_signalScale); // alpha given: no temporary
        return (x, y);
    }
}
