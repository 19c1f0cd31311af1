using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>
/// A two-level U-Net for per-pixel segmentation of [N, 1, 8, 8] images into 2 classes: enc1 → down → enc2 → up, whose
/// output is concatenated with enc1's (the skip) → dec → out.
/// </summary>
public sealed class TinyUNet : ZooModel
{
    public const int Side = 8;

    private readonly Conv2d enc1;
    private readonly ReLU act1;
    private readonly MaxPool2d down;
    private readonly Conv2d enc2;
    private readonly ReLU act2;
    private readonly ConvTranspose2d up;
    private readonly Conv2d dec;
    private readonly ReLU act3;
    private readonly Conv2d @out;

    public TinyUNet() : base(nameof(TinyUNet))
    {
        enc1 = Conv2d(1, 8, 3, padding: 1);
        act1 = ReLU();
        down = MaxPool2d(2);
        enc2 = Conv2d(8, 16, 3, padding: 1);
        act2 = ReLU();
        up = ConvTranspose2d(16, 8, 2, stride: 2);
        dec = Conv2d(16, 8, 3, padding: 1);
        act3 = ReLU();
        @out = Conv2d(8, 2, 1);
        RegisterComponents();
    }

    public override (string Feeder, string Activation)? ReluPlant => ("enc2", "act2");

    public override string MiddleLayer => "enc2";

    public override Tensor forward(Tensor input)
    {
        var skip = act1.call(enc1.call(input));
        var deep = act2.call(enc2.call(down.call(skip)));
        var joined = cat([up.call(deep), skip], 1);
        return @out.call(act3.call(dec.call(joined)));
    }

    public override (Tensor Input, Tensor Target) Batch(int size, Generator generator) => SyntheticData.Segmentation(size, Side, generator);
}
