using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// Sampled steps leave no tensor behind on every path of the hooks and the packing: host rows and counts (sigmoid,
/// tanh, the input check), the robust row taken in a hook when a batch holds NaN or ±∞, and the libtorch fallbacks.
/// </summary>
public sealed class SampledStepLeakTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sampled_steps_with_healthy_and_broken_batches_leak_no_tensor(bool hostKernels)
    {
        using var dir = new TempDirectory();
        manual_seed(2);
        using var model = Sequential(
            ("conv", Conv2d(2, 4, 3, padding: 1)), ("act", ReLU(inplace: true)), ("flat", Flatten()),
            ("fc", Linear(4 * 6 * 6, 8)), ("tanh", Tanh()), ("head", Linear(8, 1)), ("out", Sigmoid()));
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(4);
        var logger = new ListLogger();
        using var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, new WatchOptions { AlertsToConsole = false, HostKernels = hostKernels, Logger = logger });

        void TrainStep(bool broken)
        {
            using var scope = NewDisposeScope();
            var x = randn([4, 2, 6, 6], generator: generator);
            if (broken)
            {
                x[0, 0, 1, 1] = tensor(float.NaN);
                x[1, 1, 2, 3] = tensor(float.NegativeInfinity);
            }

            optimizer.zero_grad();
            var loss = model.call(x).mean();
            loss.backward();
            watch.Step(loss);
            if (!broken)
            {
                optimizer.step(); // a broken batch's NaN gradients would stay in the weights
            }
        }

        // Warm up: gradients and optimizer state are allocated once, at the first steps.
        for (int i = 0; i < 3; i++)
        {
            TrainStep(broken: false);
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long transfers = watch.HostTransfer.Count;
        for (int i = 0; i < 20; i++)
        {
            TrainStep(broken: i % 4 == 1);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(0, watch.FailedSamples);
        Assert.DoesNotContain(logger.Messages, m => m.Contains("hook failed", StringComparison.Ordinal));

        // One packing per sample step; a broken one recounts its NaN gradients in a second (and, without the host
        // kernels, its activations with NaN or ±∞ too).
        Assert.Equal(20 + 5, watch.HostTransfer.Count - transfers);
    }
}
