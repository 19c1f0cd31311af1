using Microsoft.Extensions.Time.Testing;
using TrainWatch.Events;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// A disk that fails for a while, or for good (issue 16): attempts are bounded by the retry backoff, a recovered disk
/// gets every held event, and closing gives up after the drain limit with one report. The simulated clock makes the
/// counts exact: each <c>Flush</c> makes the writer look at the disk at the clock's current time, so the test knows
/// when every attempt could have happened.
/// </summary>
public sealed class FailingDiskTests
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_millisecond = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void The_retry_delay_doubles_from_the_first_delay_up_to_the_cap_and_a_success_resets_it()
    {
        var clock = new FakeTimeProvider();
        var backoff = new RetryBackoff(clock, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(8));
        Assert.True(backoff.AttemptDue);

        var delays = new List<double>();
        for (int i = 0; i < 8; i++)
        {
            backoff.Failed();
            delays.Add(backoff.Delay.TotalSeconds);
            Assert.False(backoff.AttemptDue);
            clock.Advance(backoff.Delay - TimeSpan.FromTicks(1));
            Assert.False(backoff.AttemptDue);
            clock.Advance(TimeSpan.FromTicks(1));
            Assert.True(backoff.AttemptDue);
        }

        Assert.Equal([0.25, 0.5, 1, 2, 4, 8, 8, 8], delays);
        backoff.Succeeded();
        Assert.True(backoff.AttemptDue);
        backoff.Failed();
        Assert.Equal(0.25, backoff.Delay.TotalSeconds);
    }

    [Fact]
    public void A_disk_full_for_five_seconds_is_tried_on_the_backoff_schedule_and_gets_every_event_when_it_recovers()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        var streams = new List<FaultyStream>();
        var writer = new EventFileWriter(dir.Path, new EventWriterOptions { Time = clock, OpenStream = FaultyStream.Factory(_ => { }, streams) });
        streams[0].Budget = 100; // full after a part of the next write lands (it is cut back)
        for (int i = 0; i < 100; i++)
        {
            writer.Write(i, ScalarSummary.Build("loss", i));
        }

        // The old writer made one attempt per flush here (101) and, between flushes, one per pass of a busy loop.
        FlushEveryTickUntil(writer, clock, TimeSpan.FromSeconds(5));
        var whileFull = writer.Statistics;
        Assert.Equal(5, whileFull.WriteErrors); // at 0, 0.25, 0.75, 1.75 and 3.75 s
        Assert.Equal(0, whileFull.EventsWritten);

        streams[0].Budget = long.MaxValue; // space freed at 5 s; the next attempt is due at 3.75 + 4 s
        FlushEveryTickUntil(writer, clock, TimeSpan.FromMilliseconds(7700));
        Assert.Equal(0, writer.Statistics.EventsWritten);
        FlushEveryTickUntil(writer, clock, TimeSpan.FromMilliseconds(7750));
        Assert.Equal(100, writer.Statistics.EventsWritten);

        writer.Dispose();
        var stats = writer.Statistics;
        Assert.Equal(5, stats.WriteErrors);
        Assert.Equal(0, stats.EventsLost);
        Assert.Single(streams);
        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), values.Select(v => v.Step));
    }

    [Fact]
    public void When_the_cut_back_fails_too_a_new_file_is_opened_at_most_once_per_retry()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        bool refused = false;
        var options = new EventWriterOptions
        {
            Time = clock,

            // Every write and truncation refused, but new files may still be created: each attempt opens one.
            OpenStream = FaultyStream.Factory(s => s.AccessDenied = () => Volatile.Read(ref refused)),
        };
        var writer = new EventFileWriter(dir.Path, options);
        Volatile.Write(ref refused, true);
        writer.Write(1, ScalarSummary.Build("loss", 1));
        FlushEveryTickUntil(writer, clock, TimeSpan.FromSeconds(5));

        Assert.Equal(5, writer.Statistics.WriteErrors);
        Assert.Equal(1 + 4, Directory.GetFiles(dir.Path).Count(EventFileName.IsEventFile)); // the first, then one per retry
        Volatile.Write(ref refused, false);
        writer.Dispose();
        Assert.Equal(1, writer.Statistics.EventsWritten);
    }

    [Fact]
    public async Task Dispose_on_a_disk_that_never_recovers_returns_at_the_drain_limit_and_reports_the_loss_once()
    {
        var logger = new ListLogger();
        var streams = new List<FaultyStream>();
        using var sim = new SimulatedWriter(new EventWriterOptions { Logger = logger }, FaultyStream.Factory(_ => { }, streams));
        sim.Writer.Write(0, ScalarSummary.Build("loss", 0));
        var flushed = sim.Writer.FlushAsync();
        sim.Settle();
        await flushed.WaitAsync(TimeSpan.FromSeconds(60)); // done above; FlushAsync's last lines run on the pool
        byte[] before = File.ReadAllBytes(sim.Writer.FilePath);
        streams[0].Budget = 0;
        for (int i = 1; i <= 100; i++)
        {
            sim.Writer.Write(i, ScalarSummary.Build("loss", i));
        }

        // The drain starts at simulated time zero: an attempt at once, then at 0.25, 0.75, 1.75 and 3.75 s (the
        // backoff), and at 5 s it gives up (timers count milliseconds: the clock moves a millisecond at a time).
        var disposing = sim.BeginDispose();
        var limit = EventWriterOptions.Default.DrainTimeout;
        sim.AdvanceInSteps(limit - s_millisecond, s_millisecond);
        Assert.False(disposing.IsCompleted, "the disk kept failing, so Dispose retries until the limit");
        Assert.Equal(0, sim.Writer.Statistics.EventsLost); // counted when the drain gives up
        Assert.Equal(5, sim.Writer.Statistics.WriteErrors);

        sim.Advance(s_millisecond);
        await disposing.WaitAsync(TimeSpan.FromSeconds(60)); // the drain ended above; Dispose's last lines run on the pool
        var stats = sim.Writer.Statistics;
        Assert.Equal(100, stats.EventsLost);
        Assert.Equal(1, stats.EventsWritten);
        Assert.Equal(5, stats.WriteErrors);
        Assert.Single(logger.Messages, m => m.Contains("100 events not written", StringComparison.Ordinal) && m.Contains("No space left on device", StringComparison.Ordinal));
        Assert.Equal(before, File.ReadAllBytes(sim.Writer.FilePath)); // nothing already on disk is damaged
    }

    [Fact]
    public async Task Dispose_on_a_failing_disk_takes_the_drain_limit_on_the_clock_and_tries_on_the_backoff_schedule()
    {
        var logger = new ListLogger();
        var options = new EventWriterOptions { Logger = logger, DrainTimeout = TimeSpan.FromSeconds(1) };
        using var sim = new SimulatedWriter(options, FaultyStream.Factory(s => s.Budget = 200));
        for (int i = 0; i < 1_000; i++)
        {
            sim.Writer.Write(i, ScalarSummary.Build("loss", i));
        }

        // Attempts at 0, 0.25 and 0.75 s; the next would be at 1.75 s, past the limit, so none at 1 s: a handful of
        // attempts, not a busy loop, and Dispose returns at the limit, not after the next retry.
        var disposing = sim.BeginDispose();
        sim.AdvanceInSteps(options.DrainTimeout - s_millisecond, s_millisecond);
        Assert.False(disposing.IsCompleted);
        Assert.Equal(0, sim.Writer.Statistics.EventsLost); // counted when the drain gives up
        sim.Advance(s_millisecond);
        await disposing.WaitAsync(TimeSpan.FromSeconds(60)); // the drain ended above; Dispose's last lines run on the pool

        Assert.Equal(3, sim.Writer.Statistics.WriteErrors);
        Assert.Equal(1_000, sim.Writer.Statistics.EventsLost);
        Assert.Contains(logger.Messages, m => m.Contains("1000 events not written", StringComparison.Ordinal));
        Assert.Equal(EventFileState.Intact, EventFileReader.ReadAll(sim.Writer.FilePath).State);
    }

    [Fact]
    public void A_builder_that_skipped_its_own_file_write_costs_its_event_but_is_no_write_error()
    {
        using var dir = new TempDirectory();
        var writer = new EventFileWriter(dir.Path);
        writer.WriteDeferred(1, () => throw new SkippedWriteException("backing off"), 8);
        writer.WriteDeferred(2, () => throw new IOException("No space left on device"), 8);
        writer.Write(3, ScalarSummary.Build("after", 3));
        writer.Dispose();

        Assert.Equal(2, writer.Statistics.EventsLost);
        Assert.Equal(1, writer.Statistics.WriteErrors);
        Assert.Equal(["after"], EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Select(v => v.Value.Tag));
    }

    private static void FlushEveryTickUntil(EventFileWriter writer, FakeTimeProvider clock, TimeSpan until)
    {
        writer.Flush();
        while (clock.GetUtcNow() - clock.Start < until)
        {
            clock.Advance(s_tick);
            writer.Flush();
        }
    }
}
