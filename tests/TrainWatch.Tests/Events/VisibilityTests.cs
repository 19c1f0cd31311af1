using TrainWatch.Events;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// The README's promise: an event is in the file at most 2 s (the default flush interval) after it was logged. Here on
/// the simulated clock, with the loop run by the test, so the answer is exact and no machine load can change it. How
/// close the real clock comes to the promise is measured, not asserted in a unit test: <c>scripts/visibility.sh</c>.
/// </summary>
public sealed class VisibilityTests
{
    [Fact]
    public void On_a_simulated_clock_an_event_is_written_when_it_is_two_seconds_old_and_not_before()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), EventWriterOptions.Default.FlushInterval);
        using var sim = new SimulatedWriter(EventWriterOptions.Default);
        sim.Writer.Write(1, ScalarSummary.Build("live", 1));
        sim.Advance(TimeSpan.FromMilliseconds(1_000));
        sim.Writer.Write(2, ScalarSummary.Build("live", 2));
        sim.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, sim.Writer.Statistics.EventsWritten);

        sim.Advance(TimeSpan.FromMilliseconds(1)); // the first event is 2 s old: the batch (both events) is due
        Assert.Equal(2, sim.Writer.Statistics.EventsWritten);
        Assert.Equal([1L, 2L], EventFiles.Values(sim.WrittenEvents()).Select(v => v.Step));
    }

    [Fact]
    public void A_steady_stream_of_events_is_written_every_two_seconds_and_no_event_waits_longer()
    {
        // The real-clock measurement's workload (an event every 40 ms), on the simulated clock: each event's wait is
        // exactly what the writer's schedule gives it.
        using var sim = new SimulatedWriter(EventWriterOptions.Default);
        var tick = TimeSpan.FromMilliseconds(40);
        var loggedAt = new Dictionary<long, TimeSpan>();
        var latencies = new List<TimeSpan>();
        var now = TimeSpan.Zero;
        for (int i = 0; i < 150; i++)
        {
            loggedAt[i] = now;
            sim.Writer.Write(i, ScalarSummary.Build("live", i));
            sim.Advance(tick);
            now += tick;
            foreach (var evt in sim.WrittenEvents().Skip(latencies.Count))
            {
                latencies.Add(now - loggedAt[evt.Step]);
            }
        }

        Assert.Equal(150, latencies.Count); // in three writes of 50 (2 s of events each), at 2, 4 and 6 s
        Assert.All(latencies, latency => Assert.InRange(latency, TimeSpan.Zero, TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(2), latencies.Max());
    }
}
