using Google.Protobuf;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Records;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// Scalars take their own way through the writer (no messages, encoded on the writer thread, the queue taken in bulk):
/// what reaches the file must be what the message path writes, with the writer's reliability rules unchanged.
/// </summary>
public class ScalarPathTests
{
    [Fact]
    public void Every_scalar_record_is_the_bytes_google_protobuf_writes_for_the_same_event()
    {
        using var dir = new TempDirectory();
        var tags = new[] { "loss", "lr", "train/accuracy", "métrique/ß" };
        using (var writer = new SummaryWriter(dir.Path))
        {
            for (int i = 0; i < 3_000; i++)
            {
                writer.AddScalar(tags[i % tags.Length], Math.Sin(i) * Math.Pow(10, i % 9 - 4), step: i / 2 - 100);
            }

            writer.AddScalar("timed", 2.5, 7, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        }

        var records = RawRecords(EventFiles.Single(dir.Path));
        Assert.Equal(3_002, records.Count); // the version record, then every scalar
        for (int i = 1; i < records.Count; i++)
        {
            var read = Event.Parser.ParseFrom(records[i]);
            var value = Assert.Single(read.Summary.Value);
            var expected = new Event { WallTime = read.WallTime, Step = read.Step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = value.Tag, SimpleValue = value.SimpleValue } } } };
            Assert.Equal(expected.ToByteArray(), records[i]);
            if (i <= 3_000)
            {
                Assert.Equal(tags[(i - 1) % tags.Length], value.Tag);
                Assert.Equal((float)(Math.Sin(i - 1) * Math.Pow(10, (i - 1) % 9 - 4)), value.SimpleValue);
                Assert.Equal((i - 1) / 2 - 100, read.Step);
            }
        }

        Assert.Equal(1_700_000_000.123, Event.Parser.ParseFrom(records[^1]).WallTime, 1e-6);
    }

    private static List<byte[]> RawRecords(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = new TfRecordReader(stream);
        var records = new List<byte[]>();
        RecordReadOutcome outcome;
        while ((outcome = reader.ReadNext(out var payload)) == RecordReadOutcome.Record)
        {
            records.Add(payload.ToArray());
        }

        Assert.Equal(RecordReadOutcome.EndOfData, outcome);
        return records;
    }

    [Fact]
    public void A_lone_scalar_is_written_within_the_flush_interval_without_Flush()
    {
        // The writer only wakes for the first event of an empty batch; it must still write it when it is due, and
        // again for each later lone scalar (simulated clock, loop run by the test).
        var interval = TimeSpan.FromMilliseconds(100);
        using var sim = new SimulatedWriter(new EventWriterOptions { FlushInterval = interval });
        for (int round = 0; round < 3; round++)
        {
            sim.Writer.WriteScalar("live", round, round, WallClock.Now());
            sim.Settle();
            sim.Advance(interval - TimeSpan.FromTicks(1));
            Assert.Equal(round, sim.WrittenEvents().Count);
            sim.Advance(TimeSpan.FromTicks(1));
            Assert.Equal(Enumerable.Range(0, round + 1).Select(i => (long)i), sim.WrittenEvents().Select(e => e.Step));
        }
    }

    [Fact]
    public void Flush_returns_with_every_scalar_queued_before_it_in_the_file()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, new EventWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        for (int i = 0; i < 5_000; i++)
        {
            writer.AddScalar("x", i, i);
        }

        writer.Flush();

        using var reader = new EventFileReader(writer.FilePath);
        Assert.Equal(5_000, reader.ReadEvents().Count(e => e.Event.Summary is not null));
    }

    [Fact]
    public void Block_policy_with_a_tiny_queue_loses_no_scalar_and_keeps_their_order()
    {
        using var dir = new TempDirectory();
        var options = new EventWriterOptions
        {
            OpenStream = FaultyStream.Factory(s => s.WriteDelay = TimeSpan.FromMilliseconds(2)),
            QueueCapacity = 3,
            FlushInterval = TimeSpan.Zero,
            Backpressure = BackpressurePolicy.Block,
        };
        using (var writer = new SummaryWriter(dir.Path, options))
        {
            Parallel.For(0, 4, thread =>
            {
                for (int i = 0; i < 300; i++)
                {
                    writer.AddScalar($"t{thread}", i, i);
                }
            });
            Assert.Equal(0, writer.Statistics.EventsDropped);
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal(1_200, values.Count);
        foreach (var series in values.GroupBy(v => v.Value.Tag))
        {
            Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), series.Select(v => v.Step));
        }
    }

    [Fact]
    public void Drop_policy_with_a_tiny_queue_counts_every_scalar_as_written_or_dropped()
    {
        // The writer gets to run twice during the burst (the test runs it), so the queue overflows three times, each
        // by a known amount: the count written into the run must add up with what is in the file.
        var options = new EventWriterOptions
        {
            QueueCapacity = 8,
            FlushInterval = TimeSpan.Zero,
            Backpressure = BackpressurePolicy.Drop,
        };
        using var sim = new SimulatedWriter(options);
        for (int i = 0; i < 3_000; i++)
        {
            sim.Writer.WriteScalar("x", i, i, 1_700_000_000.5);
            if (i is 999 or 1_999)
            {
                sim.Settle();
            }
        }

        sim.Settle();
        var stats = sim.Writer.Statistics;
        var values = EventFiles.Values(sim.WrittenEvents());
        var scalars = values.Where(v => v.Value.Tag == "x").Select(v => v.Step).ToList();
        var dropRecords = values.Where(v => v.Value.Tag == EventFileWriter.DroppedEventsTag).Select(v => v.Value.SimpleValue).ToList();
        Assert.Equal([.. Enumerable.Range(0, 8), .. Enumerable.Range(1_000, 8), .. Enumerable.Range(2_000, 8)], scalars.Select(s => (int)s));
        Assert.Equal(3_000 - 24, stats.EventsDropped);
        Assert.Equal([992f, 1_984f, 2_976f], dropRecords); // a running total, written with each batch after new drops
        Assert.Equal(stats.EventsWritten, scalars.Count + dropRecords.Count);
    }

    [Fact]
    public void A_step_going_backwards_is_still_counted_on_the_scalar_path()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        writer.AddScalar("loss", 1, 10);
        writer.AddScalar("loss", 2, 5);
        writer.AddScalar("other", 3, 5);
        writer.Flush();
        Assert.Equal(1, writer.Statistics.StepsOutOfOrder);
    }
}
