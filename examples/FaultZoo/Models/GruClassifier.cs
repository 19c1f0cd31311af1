using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>
/// A sequence classifier over [N, T, F] (batch first): a custom encoder module wraps proj (Linear on every time step)
/// → ReLU → GRU, whose tuple output (output, h_n) is not a <c>Module&lt;Tensor, Tensor&gt;</c>; the head reads the
/// last step.
/// </summary>
public sealed class GruClassifier : ZooModel
{
    public const int Steps = 6;
    public const int Features = 8;
    public const int Hidden = 16;
    public const int Classes = 4;

    private readonly Encoder encoder;
    private readonly Linear head;

    public GruClassifier() : base(nameof(GruClassifier))
    {
        encoder = new Encoder();
        head = Linear(Hidden, Classes);
        RegisterComponents();
    }

    public override (string Feeder, string Activation)? ReluPlant => ("encoder.proj", "encoder.act");

    public override string MiddleLayer => "encoder.proj";

    public override Tensor forward(Tensor input)
    {
        var sequence = encoder.call(input); // [N, T, H]
        return head.call(sequence.select(1, Steps - 1));
    }

    public override (Tensor Input, Tensor Target) Batch(int size, Generator generator) => SyntheticData.PulseSequences(size, Steps, Features, Classes, generator);

    /// <summary>proj → ReLU → GRU; returns the GRU's output sequence.</summary>
    public sealed class Encoder : Module<Tensor, Tensor>
    {
        private readonly Linear proj;
        private readonly ReLU act;
        private readonly GRU gru;

        public Encoder() : base(nameof(Encoder))
        {
            proj = Linear(Features, Hidden);
            act = ReLU();
            gru = GRU(Hidden, Hidden, batchFirst: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var (output, _) = gru.call(act.call(proj.call(input)), null);
            return output;
        }
    }
}
