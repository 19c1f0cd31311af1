using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>
/// A CNN with two residual blocks (stem → block1 → block2 → mix → pool → fc), input [N, 3, 8, 8], 3 classes. Each
/// block is conv → BN → ReLU → conv → BN, added to its input, then ReLU: a skip connection module hooks cannot see.
/// <c>mix</c>, a 1×1 conv, runs last of the convs but is registered before the blocks' (built-in children first).
/// </summary>
public sealed class ResidualCnn : ZooModel
{
    public const int Side = 8;
    private const int Channels = 8;

    private readonly Conv2d stem;
    private readonly ResidualBlock block1;
    private readonly ResidualBlock block2;
    private readonly Conv2d mix;
    private readonly AdaptiveAvgPool2d pool;
    private readonly Linear fc;

    public ResidualCnn() : base(nameof(ResidualCnn))
    {
        stem = Conv2d(3, Channels, 3, padding: 1);
        block1 = new ResidualBlock(Channels);
        block2 = new ResidualBlock(Channels);
        mix = Conv2d(Channels, Channels, 1);
        pool = AdaptiveAvgPool2d(1);
        fc = Linear(Channels, 3);
        RegisterComponents();
    }

    public override (string Feeder, string Activation)? ReluPlant => ("block1.bn1", "block1.relu1");

    public override string MiddleLayer => "block1.conv2";

    public override Tensor forward(Tensor input) =>
        fc.call(pool.call(mix.call(block2.call(block1.call(stem.call(input))))).flatten(1));

    public override (Tensor Input, Tensor Target) Batch(int size, Generator generator) => SyntheticData.ColourImages(size, Side, generator);

    /// <summary>relu(x + bn2(conv2(relu(bn1(conv1(x)))))).</summary>
    public sealed class ResidualBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly ReLU relu1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly ReLU relu2;

        public ResidualBlock(int channels) : base(nameof(ResidualBlock))
        {
            conv1 = Conv2d(channels, channels, 3, padding: 1);
            bn1 = BatchNorm2d(channels);
            relu1 = ReLU();
            conv2 = Conv2d(channels, channels, 3, padding: 1);
            bn2 = BatchNorm2d(channels);
            relu2 = ReLU();
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var branch = bn2.call(conv2.call(relu1.call(bn1.call(conv1.call(input)))));
            return relu2.call(input.add(branch, s_deviceOne));
        }
    }

    // add(Tensor) passes alpha as a temporary Scalar; a kept one cannot be freed mid-call.
    private static readonly Scalar s_deviceOne = 1;
}
