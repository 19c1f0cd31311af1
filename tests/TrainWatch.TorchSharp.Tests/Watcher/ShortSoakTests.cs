using TrainWatch.Testing.Soak;
using Xunit.Abstractions;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The CI-sized version of <c>scripts/soak.sh</c>: the same loop for 20,000 steps. A leak of one tensor or a few
/// hundred bytes per sample step would show here as a rising count or heap.
/// </summary>
public sealed class ShortSoakTests(ITestOutputHelper output)
{
    [Fact]
    public void Twenty_thousand_steps_keep_live_tensors_and_the_managed_heap_flat()
    {
        using var dir = new TempDirectory();
        var points = SoakRun.Execute(steps: 20_000, every: 10, reportEvery: 1_000, dir.Path,
            p => output.WriteLine(FormattableString.Invariant($"{p.Step} steps: heap {p.ManagedHeapMb:F2} MB, {p.LiveTensors} live tensors, rss {p.ResidentMb:F0} MB")));

        // The first points include warm-up (the writer's buffers and caches reach their working size).
        var settled = points.Where(p => p.Step >= 5_000).ToList();
        Assert.All(settled, p => Assert.Equal(settled[0].LiveTensors, p.LiveTensors));

        // 1,500 sample steps between the first settled point and the last. The writer's batch buffer may still double
        // once, from 1 to its 2 MiB ceiling, under load; a leak of 1 KB per sample step would add 1.5 MB on top.
        double growth = settled[^1].ManagedHeapMb - settled.Min(p => p.ManagedHeapMb);
        Assert.True(growth < 1.5, $"managed heap grew {growth:F2} MB from step 5,000 to 20,000");
        Assert.Equal(0, points[^1].EventsDropped);
    }
}
