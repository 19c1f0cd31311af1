using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.Population;

/// <summary>
/// A model built from a <see cref="Setup"/>: stem → (recurrent layer | self-attention) → blocks → (code → expand) →
/// pool → head. The blocks are where faults are planted.
/// </summary>
public sealed class Net : Module<Tensor, Tensor>
{
    private readonly Setup _setup;
    private readonly Module<Tensor, Tensor> stem;
    private readonly Module<Tensor, Tensor>? mixer;
    private readonly ModuleList<Block> blocks;
    private readonly Module<Tensor, Tensor>? code;
    private readonly Module<Tensor, Tensor>? expand;
    private readonly Module<Tensor, Tensor> head;

    public Net(Setup setup) : base(nameof(Net))
    {
        _setup = setup;
        int w = setup.Width;
        bool conv = setup.Family == Family.Cnn;
        stem = conv ? Conv2d(3, w, 3, padding: 1) : Linear(setup.Features, w);
        register_module("stem", stem);
        mixer = setup.Family switch
        {
            Family.Recurrent => new RecurrentLayer(w, setup.Lstm),
            Family.Attention => new SelfAttention(w),
            _ => null,
        };
        if (mixer is not null)
        {
            register_module("mixer", mixer);
        }

        blocks = new ModuleList<Block>();
        for (int i = 0; i < setup.Depth; i++)
        {
            Module<Tensor, Tensor> fc = conv ? Conv2d(w, w, 3, padding: 1) : Linear(w, w);
            blocks.Add(new Block(fc, MakeNorm(setup, w), MakeActivation(setup.Activation), setup.Dropout, setup.Residual));
        }

        register_module("blocks", blocks);
        if (setup.Family == Family.EncoderDecoder)
        {
            code = Linear(w, Math.Max(2, w / 4));
            expand = Linear(Math.Max(2, w / 4), w);
            register_module("code", code);
            register_module("expand", expand);
        }

        head = Linear(w, setup.Family == Family.EncoderDecoder ? setup.Features : setup.Classes);
        register_module("head", head);
    }

    /// <summary>Block <paramref name="i"/>'s path: <c>blocks.i</c>.</summary>
    public static string BlockPath(int i) => $"blocks.{i}";

    /// <summary>The feeder module (right before the activation) of block <paramref name="i"/>.</summary>
    public string FeederPath(int i) => $"{BlockPath(i)}.{blocks[i].Feeder}";

    public override Tensor forward(Tensor input)
    {
        var h = stem.call(input);
        h = mixer?.call(h) ?? h;
        foreach (var block in blocks)
        {
            h = block.call(h);
        }

        if (code is not null)
        {
            h = expand!.call(code.call(h));
        }

        h = _setup.Family switch
        {
            Family.Cnn => h.mean([2, 3]),
            Family.Recurrent => h.select(1, -1),
            Family.Attention => h.mean([1]),
            _ => h,
        };
        return head.call(h);
    }

    private static Module<Tensor, Tensor>? MakeNorm(Setup setup, int w)
    {
        bool conv = setup.Family == Family.Cnn;
        switch (setup.Norm)
        {
            case Norm.BatchNorm:
                return conv ? BatchNorm2d(w) : BatchNorm1d(w);
            case Norm.LayerNorm or Norm.GroupNorm when !conv:
                // TorchSharp's GroupNorm rejects [N, C] inputs: a layer norm is group norm with one group there.
                return LayerNorm(w);
            case Norm.LayerNorm or Norm.GroupNorm:
                // GroupNorm's weight and bias are uninitialised in TorchSharp 0.107: set them, as users must.
                var group = GroupNorm(conv && setup.Norm == Norm.LayerNorm ? 1 : 4, w);
                using (no_grad())
                {
                    group.weight!.fill_(1);
                    group.bias!.zero_();
                }

                return group;
            default:
                return null;
        }
    }

    /// <summary>The activation module for <paramref name="kind"/>.</summary>
    public static Module<Tensor, Tensor> MakeActivation(Activation kind) => kind switch
    {
        Activation.ReLU => ReLU(),
        Activation.GELU => GELU(),
        Activation.Tanh => Tanh(),
        Activation.LeakyReLU => LeakyReLU(0.01),
        _ => SiLU(),
    };
}
