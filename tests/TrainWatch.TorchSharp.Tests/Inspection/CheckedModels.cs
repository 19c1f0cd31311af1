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
    /// Frees blocks filled with <paramref name="value"/>, sixteen of them from <paramref name="elements"/> floats up in
    /// steps of 64, with a small tensor allocated after them and kept until then: the next allocation of that size
    /// (a layer's uninitialised parameter, <c>torch.empty</c>) then gets leftovers, as in a real program.
    /// </summary>
    /// <remarks>
    /// Why sixteen: libtorch asks glibc for 64-byte-aligned memory, a little more than the tensor holds, and a single
    /// freed block of exactly the size was often passed over for another free block. Measured on 2026-12-07, 2,000 tries
    /// each: a GroupNorm(4, 24) built after one block got clean memory 62 % of the time, in runs of up to 608 in a row
    /// (its test needs leftovers once in 8 builds), and torch.empty([64, 32]) 0.2–17 %; after sixteen blocks, 0.2–0.3 %
    /// (runs of 1) and 0 of 8,000. The kept tensor keeps the blocks off the heap's top, which glibc may give back to the
    /// system: fresh pages are zeros.
    /// </remarks>
    public static void LeaveGarbage(long elements, float value)
    {
        var blocks = Enumerable.Range(0, 16).Select(k => full([elements + (64L * k)], value)).ToList();
        using var keepsTheBlocksOffTheTop = empty(16);
        blocks.ForEach(b => b.Dispose());
    }

    /// <summary><c>torch.empty(shape)</c> taken right after <see cref="LeaveGarbage"/> of its size, nothing allocated between.</summary>
    public static Tensor EmptyAfterLeftovers(long[] shape, float value)
    {
        LeaveGarbage(shape.Aggregate(1L, (a, b) => a * b), value);
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
