using TorchSharp;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

public sealed class TransferAndLeakTests
{
    [Fact]
    public void Each_sample_step_copies_to_the_host_exactly_once_and_other_steps_never()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        var generator = new Generator(2);
        using var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 10, new WatchOptions { AlertsToConsole = false });

        var transfersAfterStep = new List<long>();
        for (int step = 0; step < 100; step++)
        {
            model.TrainStep(optimizer, watch, generator);
            transfersAfterStep.Add(watch.HostTransfer.Count);
        }

        Assert.Equal(10, watch.HostTransfer.Count);
        for (int step = 0; step < 100; step++)
        {
            long expected = step / 10 + 1;
            Assert.Equal(expected, transfersAfterStep[step]);
        }
    }

    [Fact]
    public void A_thousand_watched_steps_leak_no_tensor()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var generator = new Generator(4);
        using var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 10, new WatchOptions { AlertsToConsole = false });

        // Warm up: gradients and optimizer state are allocated once, at the first steps.
        for (int i = 0; i < 20; i++)
        {
            model.TrainStep(optimizer, watch, generator);
        }

        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 1_000; i++)
        {
            model.TrainStep(optimizer, watch, generator);
        }

        long liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(liveBefore, liveAfter);
        Assert.Equal(0, watch.FailedSamples);
        Assert.Equal(1020 / 10, watch.HostTransfer.Count);
    }

    [Fact]
    public void Forward_hooks_record_only_the_forward_pass_of_a_sampled_step_and_stay_registered_until_Dispose()
    {
        using var dir = new TempDirectory();
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(8);
        int calls = 0;
        var counter = model.Features[0] as nn.Module<Tensor, Tensor>;

        var armedAtForward = new List<bool>();
        var hooksAtForward = new List<int>();
        var recordedAfterStep = new List<long?>();
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 5, new WatchOptions { AlertsToConsole = false }))
        {
            for (int step = 0; step < 12; step++)
            {
                using var scope = NewDisposeScope();
                var (x, y) = SmallCnn.Batch(4, generator);
                var remover = counter!.register_forward_hook((_, _, _) => { calls++; return null!; });
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), y);
                armedAtForward.Add(watch.ActivationHooksArmed);
                remover.remove();
                hooksAtForward.Add(HookCount.Of(model));
                loss.backward();
                watch.Step(loss);
                recordedAfterStep.Add(watch.LastRecording?.Step);
            }
        }

        Assert.Equal(12, calls);
        Assert.Equal(Enumerable.Range(0, 12).Select(s => s % 5 == 0), armedAtForward);

        // Registered once (a registration costs TorchSharp a GUID string) and closed between sampled steps: the plain
        // steps' forward passes run through them without being recorded, so the last recording is the last sampled step's.
        // (Step 0's pass also carries the pictures' and the projector's capture hooks, which take their probe batch once.)
        Assert.True(hooksAtForward[1] > 0);
        Assert.All(hooksAtForward.Skip(1), count => Assert.Equal(hooksAtForward[1], count));
        Assert.Equal(Enumerable.Range(0, 12).Select(s => (long?)(s / 5 * 5)), recordedAfterStep);
        Assert.Equal(0, HookCount.Of(model));
    }

    [Fact]
    public void At_every_1_the_hooks_stay_registered_and_still_record_each_step_once()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(3);
        var options = new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null, Graph = false, ActivationSampleLimit = 0 };
        var hooksAtForward = new List<int>();
        using (var watch = TrainWatcher.Attach(model, optimizer, dir.Path, every: 1, options))
        {
            // A different batch size at each step: each step's histogram must count that step's own batch.
            for (int step = 0; step < 5; step++)
            {
                using var scope = NewDisposeScope();
                var (x, y) = SmallCnn.Batch(2 + step, generator);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x), y);
                hooksAtForward.Add(HookCount.Of(model));
                Assert.True(watch.ActivationHooksArmed);
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }
        }

        // Registered once and kept: the count neither grows (no second registration) nor drops; Dispose removes them.
        Assert.True(hooksAtForward[0] > 0);
        Assert.All(hooksAtForward, count => Assert.Equal(hooksAtForward[0], count));
        Assert.Equal(0, HookCount.Of(model));

        var values = RunReader.Values(dir.Path);
        string tag = values.Select(v => v.Value.Tag).First(t => t.StartsWith(TrainWatch.RunFormat.LayerTags.ActivationHistogramPrefix, StringComparison.Ordinal));
        var first = RunReader.Histogram(values, tag, 0).Num;
        for (int step = 0; step < 5; step++)
        {
            Assert.Equal(first / 2 * (2 + step), RunReader.Histogram(values, tag, step).Num);
        }
    }
}
