using TorchSharp;
using TrainWatch.TorchSharp.Recording;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Recording;

/// <summary>
/// A module's activation statistics are those of the output it returned, even when the next module rewrites that very
/// tensor in place (<c>ReLU(inplace: true)</c> after a conv) before <c>Step</c>: the hooks reduce each output while it
/// is still the module's own. The reference is a copy of the conv's output taken by a hook of the test's own.
/// </summary>
public sealed class InPlaceAfterModuleTests
{
    private const int Bins = 16;

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)] // NaN and ±∞ in the batch: the robust row, on the host path, is taken in the hook too
    public void A_conv_followed_by_an_in_place_ReLU_is_measured_before_the_ReLU(bool hostKernels, bool brokenInput)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var model = Sequential(("conv", Conv2d(2, 4, 3, padding: 1)), ("act", ReLU(inplace: true)), ("out", Sigmoid()));
        var x = randn([3, 2, 6, 6], generator: new Generator(9)).mul_(10); // large enough that the sigmoid saturates
        if (brokenInput)
        {
            x[0, 0, 2, 2] = tensor(float.NaN);
            x[1, 1, 4, 1] = tensor(float.PositiveInfinity);
        }

        Tensor? kept = null, copy = null, probabilities = null;
        float keptMinimumAfterRelu = float.NaN;
        var conv = (Module<Tensor, Tensor>)model.named_children().Single(c => c.name == "conv").module;
        var remover = conv.register_forward_hook((_, _, output) =>
        {
            kept = output;
            copy = output.detach().clone();
            return null!;
        });
        var relu = (Module<Tensor, Tensor>)model.named_children().Single(c => c.name == "act").module;
        var reluRemover = relu.register_forward_hook((_, _, _) =>
        {
            // Read here: Sequential disposes its intermediate outputs once the next module has run.
            keptMinimumAfterRelu = kept!.nan_to_num(0, 0, 0).min().item<float>();
            return null!;
        });
        var sigmoidModule = (Module<Tensor, Tensor>)model.named_children().Single(c => c.name == "out").module;
        var sigmoidRemover = sigmoidModule.register_forward_hook((_, _, output) =>
        {
            probabilities = output.detach().clone();
            return null!;
        });

        using var recorder = new ForwardRecorder(model, new ActivationSettings(Bins, SampleLimit: 0, hostKernels), null, _ => { }, new HookFailures());
        recorder.Arm(0);
        model.train();
        var loss = model.call(x).nan_to_num(0, 0, 0).mean();
        recorder.Disarm();
        remover.remove();
        reluRemover.remove();
        sigmoidRemover.remove();

        using var collector = new SampleCollector([], Bins, new HostTransfer(), hostKernels);
        var sample = collector.Collect(0, loss, recorder.TakeRows(), recorder.TakeInputCheck(), null, -1, [], double.NaN);
        Assert.Equal(loss.item<float>(), sample.Loss);
        var measured = sample.Activations.Single(a => a.Name == "conv").Output;

        // Positive control: the in-place ReLU did rewrite the conv's output, so statistics taken at Step would differ.
        float[] own = copy!.data<float>().ToArray();
        float[] finite = own.Where(float.IsFinite).ToArray();
        Assert.True(finite.Min() < 0, "the conv's own output has negative values");
        Assert.True(keptMinimumAfterRelu >= 0, "the conv's output tensor was overwritten by the in-place ReLU");

        Assert.Equal(own.Count(float.IsNaN), measured.NaNCount);
        Assert.Equal(own.Count(float.IsInfinity), measured.InfCount);
        if (brokenInput)
        {
            Assert.True(measured.NaNCount + measured.InfCount > 0, "the broken batch reaches the conv's output");
            Assert.Equal(1, sample.InputNaNCount);
            Assert.Equal(1, sample.InputInfCount);
        }

        Assert.Equal(finite.Length, measured.Finite);
        Assert.Equal(finite.Min(), measured.Min);
        Assert.Equal(finite.Max(), measured.Max);
        Assert.Equal(finite.Count(v => v == 0), measured.Zeros);
        double mean = finite.Average(v => (double)v);
        Assert.True(Math.Abs(measured.Mean - mean) <= 1e-6, $"mean {measured.Mean} vs {mean}");
        Assert.Equal(finite.Length, measured.Counts.ToArray().Sum());

        // The sigmoid's saturation, counted in the hook, travels to its place in the packed vector.
        float[] p = probabilities!.data<float>().ToArray();
        int saturated = p.Count(v => MathF.Abs(v - 0.5f) > 0.49f);
        Assert.InRange(saturated, 1, p.Length - 1);
        Assert.Equal(saturated / (double)p.Length, sample.Activations.Single(a => a.Name == "out").SaturatedFraction);
    }
}
