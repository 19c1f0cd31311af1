using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>
/// An MLP built from custom blocks held as fields (stem → block1 → block2 → block3 → head). TorchSharp registers the
/// built-in children (<c>stem</c>, <c>head</c>) before the custom ones, so <c>named_modules()</c> lists the head before
/// the blocks: execution order differs from registration order. Each block scales its output by a learned gain of
/// its own (a parameter of a module that has children).
/// </summary>
public sealed class CustomBlocksMlp : ZooModel
{
    public const int Features = 16;
    public const int Hidden = 32;
    public const int Classes = 4;

    private readonly Linear stem;
    private readonly Block block1;
    private readonly Block block2;
    private readonly Block block3;
    private readonly Linear head;

    public CustomBlocksMlp() : base(nameof(CustomBlocksMlp))
    {
        stem = Linear(Features, Hidden);
        block1 = new Block(Hidden);
        block2 = new Block(Hidden);
        block3 = new Block(Hidden);
        head = Linear(Hidden, Classes);
        RegisterComponents();
    }

    public override (string Feeder, string Activation)? ReluPlant => ("block2.fc", "block2.act");

    public override string MiddleLayer => "block2.fc";

    public override Tensor forward(Tensor input) => head.call(block3.call(block2.call(block1.call(stem.call(input)))));

    public override (Tensor Input, Tensor Target) Batch(int size, Generator generator) => SyntheticData.Clusters(size, Features, Classes, generator);

    /// <summary>fc → ReLU, times a learned gain.</summary>
    public sealed class Block : Module<Tensor, Tensor>
    {
        private readonly Linear fc;
        private readonly ReLU act;
        private readonly Parameter gain;

        public Block(int width) : base(nameof(Block))
        {
            fc = Linear(width, width);
            act = ReLU();
            gain = Parameter(ones(width));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => act.call(fc.call(input)).mul(gain);
    }
}
