using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.ShapesCnn;

/// <summary>
/// A small CNN for <see cref="ShapesDataset"/> images (3×32×32): two conv/batch-norm/ReLU/max-pool blocks and a
/// two-layer classifier. Parameter names follow the field names: <c>features.0.weight</c> (the first convolution,
/// [16, 3, 3, 3], drawable as RGB kernels), <c>features.1.running_mean</c>, <c>classifier.1.weight</c>, …
/// </summary>
public sealed class ShapesCnnModel : Module<Tensor, Tensor>
{
    private const int FirstBlockChannels = 16;
    private const int SecondBlockChannels = 32;
    private const int HiddenUnits = 64;
    private const double HiddenNegativeSlope = 0.1;
    // Two 2×2 max-pools halve the 32×32 input twice.
    private const int FeatureMapSize = ShapesDataset.ImageSize / 4;

    // Field names become parameter-name prefixes through RegisterComponents(), so they are part of the public
    // contract (TensorBoard tags, tests): keep them PyTorch-style.
    private readonly Sequential features;
    private readonly Sequential classifier;

    public ShapesCnnModel(int classCount) : base(nameof(ShapesCnnModel))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);

        features = Sequential(
            Conv2d(ShapesDataset.ChannelCount, FirstBlockChannels, kernel_size: 3, padding: 1),
            BatchNorm2d(FirstBlockChannels),
            ReLU(),
            MaxPool2d(kernel_size: 2),
            Conv2d(FirstBlockChannels, SecondBlockChannels, kernel_size: 3, padding: 1),
            BatchNorm2d(SecondBlockChannels),
            ReLU(),
            MaxPool2d(kernel_size: 2));

        // LeakyReLU, not ReLU, in the head: after one divergent update (too-high learning rate) all 64 ReLU units
        // of a plain ReLU head turn negative for every input, gradients become exactly zero and the run silently
        // freezes at chance level with loss ln(6). Keeping a small gradient lets divergence run its course to
        // inf/NaN, the failure TrainWatch is meant to make visible. (The features need no such care: batch norm
        // re-centres their inputs every batch.)
        classifier = Sequential(
            Flatten(),
            Linear(SecondBlockChannels * FeatureMapSize * FeatureMapSize, HiddenUnits),
            LeakyReLU(HiddenNegativeSlope),
            Linear(HiddenUnits, classCount));

        RegisterComponents();
    }

    /// <summary>The convolutional feature extractor (<c>features.*</c>).</summary>
    public Sequential Features => features;

    /// <summary>The fully connected head (<c>classifier.*</c>).</summary>
    public Sequential Classifier => classifier;

    public override Tensor forward(Tensor input)
    {
        // .call (not .forward) so that forward hooks on the children fire: TrainWatch relies on them.
        // The intermediate feature map is left to the caller's dispose scope rather than disposed here, so a
        // hook that kept a reference to it during this step still sees a live tensor.
        var featureMaps = features.call(input);
        return classifier.call(featureMaps);
    }
}
