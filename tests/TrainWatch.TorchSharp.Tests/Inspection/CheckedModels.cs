using TorchSharp;
using TorchSharp.Modules;
using TrainWatch.TorchSharp.Inspection;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Inspection;

/// <summary>Models and helpers for the model check's tests.</summary>
internal static class CheckedModels
{
    /// <summary>Runs the check and returns its findings by tensor name.</summary>
    public static Dictionary<string, string> Findings(Module model, bool hostKernels = true) =>
        ModelCheck.Run(model, hostKernels).Suspects.ToDictionary(s => s.Finding.Layer, s => s.Finding.Message);

    /// <summary>
    /// Frees a block of <paramref name="elements"/> floats filled with <paramref name="value"/>: the next allocation of
    /// that size on this thread usually gets it back, as a real program's leftover memory.
    /// </summary>
    public static void LeaveGarbage(long elements, float value)
    {
        using var garbage = full([elements], value);
    }

    /// <summary>Writes <paramref name="values"/> into <paramref name="target"/> without recording it for autograd.</summary>
    public static void Overwrite(Tensor target, float[] values)
    {
        using var _ = no_grad();
        using var source = tensor(values).reshape(target.shape);
        target.copy_(source);
    }

    /// <summary>What a host-side reading says about a tensor: anything the check must flag for any tensor.</summary>
    public static bool LooksUninitialised(Tensor values)
    {
        using var host = values.detach().cpu().to(ScalarType.Float32);
        return host.data<float>().ToArray().Any(v => !float.IsFinite(v) || Math.Abs(v) > InitialValueRules.WeightMagnitudeLimit || (v != 0 && float.IsSubnormal(v)));
    }

    /// <summary>A custom layer whose weight comes from <c>torch.empty</c> and is never filled (the bug the check is for).</summary>
    public sealed class EmptyLinear : Module<Tensor, Tensor>
    {
        private readonly Parameter weight;

        public EmptyLinear(long inputs, long outputs) : base(nameof(EmptyLinear))
        {
            weight = Parameter(empty(outputs, inputs));
            RegisterComponents();
        }

        public Parameter Weight => weight;

        public override Tensor forward(Tensor input) => functional.linear(input, weight);
    }
}
