using System.Diagnostics;
using TrainWatch.Events;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// The README's promise: an event is in the file at most 2 s (the default flush interval) after it was logged. Timed
/// on the real clock, so measured as the 95th percentile over many events: one stall of a loaded machine moves a few
/// events, not the percentile. Run alone: the parallel tests of this process would otherwise share its two cores.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class VisibilityTests
{
    [Fact]
    public void Ninety_five_percent_of_events_are_readable_within_the_two_second_flush_interval()
    {
        using var dir = new TempDirectory();
        const int events = 150;
        var clock = Stopwatch.StartNew();
        var loggedAt = new TimeSpan[events];
        var seenAt = new TimeSpan?[events];
        using var writer = new EventFileWriter(dir.Path);
        Assert.Equal(TimeSpan.FromSeconds(2), EventWriterOptions.Default.FlushInterval);

        // A thread of its own, not the pool's: parallel tests may keep the pool busy, and it is the writer being timed.
        var watcher = new Thread(() =>
        {
            // Polls the file as TensorBoard would, until every event is seen or long after the promise.
            while (seenAt.Any(s => s is null) && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                foreach (var record in EventFileReader.ReadAll(writer.FilePath).Events)
                {
                    if (record.Event.Summary is not null && seenAt[record.Event.Step] is null)
                    {
                        seenAt[record.Event.Step] = clock.Elapsed;
                    }
                }

                Thread.Sleep(10);
            }
        });
        watcher.Start();

        for (int i = 0; i < events; i++)
        {
            loggedAt[i] = clock.Elapsed;
            writer.Write(i, ScalarSummary.Build("live", i));
            Thread.Sleep(40);
        }

        watcher.Join();
        Assert.All(seenAt, s => Assert.NotNull(s));
        var latencies = seenAt.Select((s, i) => (s!.Value - loggedAt[i]).TotalSeconds).Order().ToList();
        double p95 = latencies[(int)Math.Ceiling(0.95 * events) - 1];

        // 2 s promised, plus the 10 ms poll and a loaded machine's scheduling delay.
        Assert.True(p95 <= 2.5, $"95th percentile {p95:0.000} s; median {latencies[events / 2]:0.000} s, max {latencies[^1]:0.000} s");
    }

    [Fact]
    public async Task On_a_simulated_clock_an_event_is_written_when_it_is_two_seconds_old_and_not_before()
    {
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        await using var writer = new EventFileWriter(dir.Path, new EventWriterOptions { Time = clock });
        writer.Write(1, ScalarSummary.Build("live", 1));
        clock.Advance(TimeSpan.FromMilliseconds(1_000));
        writer.Write(2, ScalarSummary.Build("live", 2));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(200); // real time: the loop has every chance to write too early
        Assert.Equal(0, writer.Statistics.EventsWritten);

        clock.Advance(TimeSpan.FromMilliseconds(1)); // the first event is 2 s old: the batch (both events) is due

        // The clock keeps creeping on while we wait: a wait the loop started just as the test moved the clock is timed
        // from the new time, and must not strand the test.
        await WaitUntil(() => writer.Statistics.EventsWritten == 2, () => clock.Advance(TimeSpan.FromMilliseconds(1)));
        Assert.Equal([1L, 2L], EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Select(v => v.Step));
    }

    private static async Task WaitUntil(Func<bool> condition, Action betweenPolls)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the writer did not write the due batch");
            await Task.Delay(10);
            betweenPolls();
        }
    }
}
