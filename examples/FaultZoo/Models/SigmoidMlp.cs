using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>A stack of sigmoid layers (fc1 → sig1 → fc2 → sig2 → fc3 → sig3 → head), the classic saturation risk.</summary>
public sealed class SigmoidMlp : ZooModel
{
    public const int Features = 16;
    public const int Hidden = 32;
    public const int Classes = 4;

    private readonly Linear fc1;
    private readonly Sigmoid sig1;
    private readonly Linear fc2;
    private readonly Sigmoid sig2;
    private readonly Linear fc3;
    private readonly Sigmoid sig3;
    private readonly Linear head;

    public SigmoidMlp() : base(nameof(SigmoidMlp))
    {
        fc1 = Linear(Features, Hidden);
        sig1 = Sigmoid();
        fc2 = Linear(Hidden, Hidden);
        sig2 = Sigmoid();
        fc3 = Linear(Hidden, Hidden);
        sig3 = Sigmoid();
        head = Linear(Hidden, Classes);
        RegisterComponents();
    }

    public override string MiddleLayer => "fc2";

    public override (string Feeder, string Activation)? ReluPlant => null;

    public override (string Feeder, string Activation)? SaturationPlant => ("fc2", "sig2");

    public override Tensor forward(Tensor input) =>
        head.call(sig3.call(fc3.call(sig2.call(fc2.call(sig1.call(fc1.call(input)))))));

    public override (Tensor Input, Tensor Target) Batch(int size, Generator generator) => SyntheticData.Clusters(size, Features, Classes, generator);
}
