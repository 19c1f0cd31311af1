using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Events;

/// <summary>
/// <see cref="SummaryWriter.BeginBuildBatch"/>: a caller-built writer's deferred summaries queued inside the scope are
/// built when it ends, side by side, and written in the order they were queued; outside a batch, on another thread or
/// on a writer whose own thread builds, nothing changes.
/// </summary>
public class DeferredBuildBatchTests
{
    // Only a guard against a hang: the assertions do not depend on how long anything takes.
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public void Summaries_queued_in_a_batch_are_built_when_it_ends_and_written_in_their_order()
    {
        using var dir = new TempDirectory();
        var built = new List<string>();
        using (var writer = new SummaryWriter(dir.Path, new EventWriterOptions { BuildOnCallerThread = true }))
        {
            using (writer.BeginBuildBatch())
            {
                for (int i = 0; i < 12; i++)
                {
                    string tag = $"picture/{i}";
                    writer.AddDeferred(i % 3, () =>
                    {
                        lock (built)
                        {
                            built.Add(tag);
                        }

                        return TextSummary.Build(tag, tag);
                    }, 64);
                }

                Assert.Empty(built); // nothing is built before the batch ends
            }

            Assert.Equal(12, built.Count);
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => ($"picture/{i}", (long)(i % 3))), values.Select(v => (v.Value.Tag, v.Step)));
    }

    [Fact]
    public void A_batch_builds_side_by_side()
    {
        // Each builder waits for the other at a barrier: built one after another, the first would give up waiting.
        // On one core the batch builds one after another by design, and the barrier has one party.
        int parties = Environment.ProcessorCount < 2 ? 1 : 2;
        using var dir = new TempDirectory();
        using var barrier = new Barrier(parties);
        var metBoth = new bool[2];
        using (var writer = new SummaryWriter(dir.Path, new EventWriterOptions { BuildOnCallerThread = true }))
        {
            using (writer.BeginBuildBatch())
            {
                for (int i = 0; i < 2; i++)
                {
                    int index = i;
                    writer.AddDeferred(0, () =>
                    {
                        metBoth[index] = barrier.SignalAndWait(s_hangGuard);
                        return TextSummary.Build($"side/{index}", "built");
                    }, 64);
                }
            }
        }

        Assert.Equal([true, true], metBoth);
        Assert.Equal(2, EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Count);
    }

    [Fact]
    public void A_builder_that_throws_loses_its_own_event_only()
    {
        using var dir = new TempDirectory();
        EventWriterStatistics statistics;
        using (var writer = new SummaryWriter(dir.Path, new EventWriterOptions { BuildOnCallerThread = true }))
        {
            using (writer.BeginBuildBatch())
            {
                writer.AddDeferred(1, () => TextSummary.Build("before", "kept"), 64);
                writer.AddDeferred(1, () => throw new InvalidOperationException("a broken picture"), 64);
                writer.AddDeferred(1, () => null, 64); // nothing to write, nothing lost
                writer.AddDeferred(1, () => TextSummary.Build("after", "kept"), 64);
            }

            writer.Flush();
            statistics = writer.Statistics;
        }

        Assert.Equal(["before", "after"], EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Select(v => v.Value.Tag));
        Assert.Equal(1, statistics.EventsLost);
    }

    [Fact]
    public void Another_threads_summaries_are_built_at_once_while_a_batch_is_open()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, new EventWriterOptions { BuildOnCallerThread = true });
        bool builtByOther = false;
        bool builtInBatch = false;
        using (writer.BeginBuildBatch())
        {
            writer.AddDeferred(0, () =>
            {
                builtInBatch = true;
                return TextSummary.Build("batched", "later");
            }, 64);

            var other = new Thread(() => writer.AddDeferred(0, () =>
            {
                builtByOther = true;
                return TextSummary.Build("other", "at once");
            }, 64));
            other.Start();
            Assert.True(other.Join(s_hangGuard));

            // A second batch, from the same thread or another, does not take over: its summaries go to the open one.
            using (writer.BeginBuildBatch())
            {
                writer.AddDeferred(0, () => TextSummary.Build("nested", "later"), 64);
            }

            Assert.True(builtByOther);
            Assert.False(builtInBatch);
        }

        Assert.True(builtInBatch);
        writer.Flush();
        Assert.Equal(["other", "batched", "nested"], EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Select(v => v.Value.Tag));
    }

    [Fact]
    public void After_a_batch_summaries_are_built_where_they_are_queued_again()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, new EventWriterOptions { BuildOnCallerThread = true });
        using (writer.BeginBuildBatch())
        {
            writer.AddDeferred(0, () => TextSummary.Build("batched", "later"), 64);
        }

        bool built = false;
        writer.AddDeferred(1, () =>
        {
            built = true;
            return TextSummary.Build("plain", "at once");
        }, 64);
        Assert.True(built);
    }

    [Fact]
    public void On_a_writer_whose_thread_builds_the_batch_changes_nothing()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            using (writer.BeginBuildBatch())
            {
                for (int i = 0; i < 5; i++)
                {
                    string tag = $"queued/{i}";
                    writer.AddDeferred(i, () => TextSummary.Build(tag, tag), 64);
                }
            }
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"queued/{i}"), EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Select(v => v.Value.Tag));
    }
}
