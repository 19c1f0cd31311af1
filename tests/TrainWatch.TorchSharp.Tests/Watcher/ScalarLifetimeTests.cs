using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// TorchSharp's <c>Scalar</c> wraps a raw native pointer and has a finalizer. A temporary one (from <c>t.eq(0)</c>, say)
/// can be finalized by a garbage collection on another thread while libtorch still reads it, once the JIT has
/// optimized the caller. The device statistics must not depend on such temporaries.
/// </summary>
/// <remarks>
/// Only an optimized (Release) build of the library can fail this test, which is one reason the README's test command
/// builds Release. Before the fix it failed about once per 6,000 iterations (14 in 30 s), and once per ~20,000 with
/// only TrainWatch's own temporaries removed (TorchSharp's <c>square()</c> makes one too); after it, 0 in 120 s.
/// </remarks>
[Collection(RunsAlone.Name)]
public sealed class ScalarLifetimeTests
{
    [Fact]
    public async Task Device_statistics_survive_garbage_collections_on_another_thread()
    {
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });

        using var values = tensor(new[] { 0f, 1f, 2f, 0f, float.NaN, 3f, 0f, -1f });
        var shape = DeviceStatistics.ShapeOf(values, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None, sampleLimit: 0);
        using var activations = tensor(new[] { 0f, 1f, 0f, 2f, 0f, 3f, 0f, 4f }).reshape(4, 2); // unit 0 is dead
        var activationShape = DeviceStatistics.ShapeOf(activations, unitAxis: 1, sampleLimit: 0);
        var failures = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long iterations = 0;
        for (; clock.Elapsed < TimeSpan.FromSeconds(15); iterations++)
        {
            try
            {
                using var scope = NewDisposeScope();
                var fast = TensorStats.FromFastRow(DeviceStatistics.FastRow(values, 4, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None).data<double>().ToArray(), shape);
                var robust = TensorStats.FromRobustRow(DeviceStatistics.RobustRow(values, 4, unitAxis: TrainWatch.TorchSharp.Statistics.UnitAxis.None).data<double>().ToArray(), shape);
                var units = TensorStats.FromFastRow(DeviceStatistics.FastRow(activations, 4, unitAxis: 1).data<double>().ToArray(), activationShape);
                if (fast is not null || robust.NaNCount != 1 || robust.ZeroFraction != 3.0 / 8 || robust.Max != 3 || units?.DeadChannels != 1)
                {
                    failures.Add($"wrong statistics at iteration {iterations}");
                }
            }
            catch (Exception e)
            {
                failures.Add(e.Message.Split('\n')[0]);
            }
        }

        await stop.CancelAsync();
        await collector;
        Assert.True(failures.Count == 0, $"{failures.Count} failures in {iterations} iterations, first: {failures.FirstOrDefault()}");
    }
}
