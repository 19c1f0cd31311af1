using TrainWatch.Testing.Soak;
using Xunit.Abstractions;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The CI-sized version of <c>scripts/soak.sh</c>: the same loop for 20,000 steps. A leak of one tensor or a few
/// hundred bytes per sample step would show here as a rising count or heap.
/// </summary>
[Collection(RunsAlone.Name)]
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

        // Medians of the first and the last five settled readings, 11,000 steps (1,100 sample steps) apart, so one
        // odd reading cannot decide the test. The writer's batch buffer may still double once, from 1 to 2 MiB, so the
        // bound is 1.5 MB: a leak of 1.4 KB or more per sample step fails here; scripts/soak.sh runs 100,000 steps for
        // smaller ones.
        double growth = Median(settled.TakeLast(5)) - Median(settled.Take(5));
        Assert.True(growth < 1.5, $"managed heap grew {growth:F2} MB (median of five readings) from steps 5,000-9,000 to 16,000-20,000");
        Assert.Equal(0, points[^1].EventsDropped);
    }

    private static double Median(IEnumerable<SoakPoint> points)
    {
        var sorted = points.Select(p => p.ManagedHeapMb).Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
