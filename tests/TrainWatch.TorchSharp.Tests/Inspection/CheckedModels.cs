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

    /// <summary>
    /// <c>torch.empty(shape)</c> taken right after blocks filled with <paramref name="value"/> were freed: sixteen of them,
    /// from its size up in steps of 64 floats, with a small tensor kept after them until then. libtorch asks glibc for
    /// 64-byte-aligned memory, a little more than the tensor's size, so one freed block of exactly its size was often
    /// passed over for another free block (clean 0.2–17 % of the time in 2,000 tries, in runs of up to 472 in a row);
    /// with the sixteen, every free block the request could fit is leftovers (0 clean in 8,000 tries, 2026-12-07). The
    /// tensor kept after them keeps them off the heap's top, which glibc may give back to the system.
    /// </summary>
    public static Tensor EmptyAfterLeftovers(long[] shape, float value)
    {
        long elements = shape.Aggregate(1L, (a, b) => a * b);
        var blocks = Enumerable.Range(0, 16).Select(k => full([elements + (64L * k)], value)).ToList();
        using var keepsTheBlocksOffTheTop = empty(16);
        blocks.ForEach(b => b.Dispose());
        return empty(shape);
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

        public EmptyLinear(long inputs, long outputs)
            : this(empty(outputs, inputs))
        {
        }

        /// <summary>The layer over a weight the caller took from <c>torch.empty</c> (see <see cref="EmptyAfterLeftovers"/>).</summary>
        public EmptyLinear(Tensor fromEmpty) : base(nameof(EmptyLinear))
        {
            weight = Parameter(fromEmpty);
            RegisterComponents();
        }

        public Parameter Weight => weight;

        public override Tensor forward(Tensor input) => functional.linear(input, weight);
    }
}
