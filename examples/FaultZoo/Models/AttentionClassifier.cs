using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>
/// A sequence classifier with one self-attention block: embed (Linear per step) → attention (six arguments, a tuple
/// result) → norm → mean over time → head. Input [N, T, F], batch first; attention runs time first.
/// </summary>
public sealed class AttentionClassifier : ZooModel
{
    public const int Steps = 6;
    public const int Features = 8;
    public const int Width = 16;
    public const int Classes = 4;

    private readonly Linear embed;
    private readonly MultiheadAttention attention;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public AttentionClassifier() : base(nameof(AttentionClassifier))
    {
        embed = Linear(Features, Width);
        attention = MultiheadAttention(Width, 2);
        norm = LayerNorm(Width);
        head = Linear(Width, Classes);
        RegisterComponents();
    }

    public override (string Feeder, string Activation)? ReluPlant => null;

    public override string MiddleLayer => "embed";

    public override Tensor forward(Tensor input)
    {
        var timeFirst = embed.call(input).transpose(0, 1); // [T, N, W]
        var (attended, _) = attention.call(timeFirst, timeFirst, timeFirst, null, false, null);
        var normed = norm.call(attended.add(timeFirst, s_one));
        return head.call(normed.mean([0]));
    }

    public override (Tensor Input, Tensor Target) Batch(int size, Generator generator) => SyntheticData.PulseSequences(size, Steps, Features, Classes, generator);

    private static readonly global::TorchSharp.Scalar s_one = 1;
}
