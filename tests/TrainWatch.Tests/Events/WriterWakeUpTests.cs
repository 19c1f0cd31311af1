using System.Buffers;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Records;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// The writer's two promises, a batch is written once it holds 1 MiB and an event waits at most the flush interval,
/// whatever the rhythm of the calls (issue 23). The loop runs only when the test runs it and the clock moves only when
/// the test moves it (<see cref="SimulatedWriter"/>), so each test makes one interleaving happen on purpose, every
/// time: the one a loaded machine produced once in five runs is here in every run.
/// </summary>
public sealed class WriterWakeUpTests
{
    private const int Bound = EventWriteLoop.BatchWriteThreshold;
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public void Small_events_trickling_in_one_by_one_are_written_the_moment_the_batch_reaches_one_mebibyte()
    {
        // The CI failure: the loop takes the first event and sleeps; each later one arrives while it sleeps.
        using var sim = new SimulatedWriter(new EventWriterOptions { FlushInterval = s_hour });
        long inBatch = 0;
        int expectedWritten = 0;
        for (int i = 0; i < 150; i++)
        {
            var evt = TextEvent(i, 16 * 1024);
            sim.Writer.Write(evt);
            inBatch += FramedSize(evt);
            sim.Settle();
            if (inBatch >= Bound)
            {
                expectedWritten = i + 1;
                inBatch = 0;
            }

            Assert.Equal(expectedWritten, sim.WrittenEvents().Count);
        }

        Assert.Equal(2, sim.Stream.Writes.Count - 1); // two full batches (the first write is the header)
        Assert.All(sim.Stream.Writes.Skip(1), bytes => Assert.InRange(bytes, Bound, Bound + FramedSize(TextEvent(0, 16 * 1024))));
        Assert.Equal(Enumerable.Range(0, expectedWritten).Select(i => (long)i), sim.WrittenEvents().Select(e => e.Step));
    }

    [Fact]
    public void Scalars_with_long_non_ascii_tags_trickling_in_are_written_when_their_encoded_records_reach_one_mebibyte()
    {
        // Scalars are sized by a bound, not encoded, on the caller's thread: a bound below the truth would let the batch
        // pass 1 MiB unseen. Multi-byte characters make the encoded tag longer than its char count.
        using var sim = new SimulatedWriter(new EventWriterOptions { FlushInterval = s_hour });
        string tag = string.Concat(Enumerable.Repeat("métrique/ß€", 12));
        long inBatch = 0;
        int step = 0;
        for (; step < 20_000 && sim.Stream.Writes.Count < 2; step++)
        {
            sim.Writer.WriteScalar(tag, step, step, 1_700_000_000.5);
            inBatch += ScalarRecordSize(tag, step, step);
            sim.Settle();
            Assert.Equal(inBatch >= Bound ? 2 : 1, sim.Stream.Writes.Count);
        }

        Assert.True(inBatch >= Bound, "the loop wrote before the batch was full");
        Assert.Equal(inBatch, sim.Stream.Writes[1]);
        var values = EventFiles.Values(sim.WrittenEvents());
        Assert.Equal(Enumerable.Range(0, step).Select(i => (float)i), values.Select(v => v.Value.SimpleValue));
        Assert.All(values, v => Assert.Equal(tag, v.Value.Tag));
    }

    [Fact]
    public void A_burst_writes_its_full_batch_at_once_and_the_rest_exactly_one_flush_interval_after_it_arrived()
    {
        var interval = TimeSpan.FromSeconds(2);
        using var sim = new SimulatedWriter(new EventWriterOptions { FlushInterval = interval });
        long inBatch = 0;
        int firstBatch = 0;
        for (int i = 0; i < 100; i++)
        {
            var evt = TextEvent(i, 16 * 1024);
            sim.Writer.Write(evt); // the loop does not run in between: one burst
            inBatch += FramedSize(evt);
            if (firstBatch == 0 && inBatch >= Bound)
            {
                firstBatch = i + 1;
            }
        }

        sim.Settle();
        Assert.Equal(firstBatch, sim.WrittenEvents().Count);

        sim.Advance(interval - TimeSpan.FromTicks(1));
        Assert.Equal(firstBatch, sim.WrittenEvents().Count);
        sim.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(100, sim.WrittenEvents().Count);
    }

    [Fact]
    public void Events_trickling_in_are_written_together_when_the_first_of_them_is_one_flush_interval_old()
    {
        var interval = TimeSpan.FromSeconds(2);
        var step = TimeSpan.FromMilliseconds(500);
        using var sim = new SimulatedWriter(new EventWriterOptions { FlushInterval = interval });
        for (int i = 0; i < 4; i++)
        {
            sim.Writer.Write(ScalarEvent(i));
            sim.Advance(i < 3 ? step : TimeSpan.Zero);
        }

        // At 1.5 s: four events queued since 0, 0.5, 1 and 1.5 s.
        sim.Advance(interval - 3 * step - TimeSpan.FromTicks(1));
        Assert.Empty(sim.WrittenEvents());
        sim.Advance(TimeSpan.FromTicks(1));
        Assert.Equal([0L, 1L, 2L, 3L], sim.WrittenEvents().Select(e => e.Step));
        Assert.Equal(2, sim.Stream.Writes.Count); // the header, then the four in one write

        // The next batch's interval starts at its own first event (at 2.5 s), not at the last write.
        sim.Advance(step);
        sim.Writer.Write(ScalarEvent(4));
        sim.Settle();
        sim.Advance(interval - TimeSpan.FromTicks(1));
        Assert.Equal(4, sim.WrittenEvents().Count);
        sim.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(5, sim.WrittenEvents().Count);
    }

    [Fact]
    public void Events_that_arrive_while_the_writer_is_blocked_in_a_write_are_written_by_size_and_by_age_when_it_returns()
    {
        var interval = TimeSpan.FromSeconds(2);
        using var sim = new SimulatedWriter(new EventWriterOptions { FlushInterval = interval });
        var sizes = new List<long>();
        for (int i = 0; i < 70; i++)
        {
            var evt = TextEvent(i, 16 * 1024);
            sizes.Add(FramedSize(evt));
            sim.Writer.Write(evt);
        }

        // The loop writes the first full batch and stalls in the write (a disk that hangs, a thread preempted).
        sim.Stream.Hold();
        var loop = new Thread(sim.Settle);
        loop.Start();
        Assert.True(sim.Stream.WaitForWriteAtGate(s_hangGuard), "the first batch was never written");

        // Meanwhile: another mebibyte, one event at a time, and then a small event that is one interval old on return.
        for (int i = 70; i < 140; i++)
        {
            var evt = TextEvent(i, 16 * 1024);
            sizes.Add(FramedSize(evt));
            sim.Writer.Write(evt);
        }

        sim.Writer.Write(ScalarEvent(140));
        sizes.Add(FramedSize(ScalarEvent(140)));
        sim.Clock.Advance(interval);
        sim.Stream.Release();
        Assert.True(loop.Join(s_hangGuard), "the loop did not go idle after the write returned");
        sim.Settle();

        // Everything is due. The first batch was full; the rest of the first burst is an interval old now, so it goes
        // at once; the events that came during the stall make a full batch, and the rest is an interval old too.
        Assert.Equal(Enumerable.Range(0, 141).Select(i => (long)i), sim.WrittenEvents().Select(e => e.Step));
        var firstBurst = BatchesBySize(sizes.Take(70));
        var duringStall = BatchesBySize(sizes.Skip(70));
        Assert.Equal(2, firstBurst.Count);
        Assert.Equal(2, duringStall.Count);
        Assert.Equal([.. firstBurst, .. duringStall], sim.Stream.Writes.Skip(1).Select(bytes => (long)bytes));
    }

    [Fact]
    public void A_caller_blocked_on_a_full_queue_wakes_the_writer_and_nothing_is_lost()
    {
        using var sim = new SimulatedWriter(new EventWriterOptions
        {
            FlushInterval = s_hour,
            QueueCapacity = 4,
            Backpressure = BackpressurePolicy.Block,
        });
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                sim.Writer.Write(ScalarEvent(i));
            }

            // Tells the test's loop below that there is nothing more to wait for.
            Task.Factory.StartNew(() => { }, CancellationToken.None, TaskCreationOptions.None, sim.Scheduler);
        });
        producer.Start();

        // The loop runs only when woken. A blocked caller that failed to wake it would leave both asleep for good.
        while (producer.IsAlive)
        {
            Assert.True(sim.Scheduler.WaitForWork(s_hangGuard), "a caller is blocked on the full queue and the writer sleeps");
            sim.Settle();
        }

        producer.Join();
        sim.Settle();
        Assert.Empty(sim.WrittenEvents()); // an hour's interval, a small batch: nothing due yet
        sim.Advance(s_hour);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), sim.WrittenEvents().Select(e => e.Step));
        Assert.Equal(0, sim.Writer.Statistics.EventsDropped);
    }

    // How the loop cuts records that are all due into writes: a write each time the batch reaches the bound, then the rest.
    private static List<long> BatchesBySize(IEnumerable<long> recordSizes)
    {
        var batches = new List<long>();
        long batch = 0;
        foreach (long size in recordSizes)
        {
            batch += size;
            if (batch >= Bound)
            {
                batches.Add(batch);
                batch = 0;
            }
        }

        if (batch > 0)
        {
            batches.Add(batch);
        }

        return batches;
    }

    private static Event TextEvent(int step, int chars) =>
        new() { Step = step, WallTime = 1_700_000_000.25, Summary = TextSummary.Build("notes", new string('x', chars)) };

    private static Event ScalarEvent(int step) =>
        new() { Step = step, WallTime = 1_700_000_000.25, Summary = ScalarSummary.Build("loss", step) };

    private static long FramedSize(Event evt) => evt.CalculateSize() + TfRecordFormat.Overhead;

    private static long ScalarRecordSize(string tag, float value, long step)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return ScalarEventEncoder.AppendFramed(buffer, 1_700_000_000.5, step, tag, value);
    }
}
