using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Records;
using TrainWatch.Summaries;

namespace TrainWatch.Tests.Events;

/// <summary>
/// The queue's half of the handshake with the writer loop: which arrivals wake a sleeping writer. Each case is a
/// sequence of calls on one thread (a blocked caller aside), so the answer is the same on any machine.
/// </summary>
public sealed class EventQueueTests
{
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public void An_empty_batch_wakes_the_writer_for_the_first_event()
    {
        var queue = new EventQueue(capacity: 1_000, maxBytes: 1 << 30);
        queue.BatchRoom = 0;
        var wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);

        queue.TryEnqueue(Text(0, 10), block: false);
        Assert.Equal(true, Outcome(wait));
    }

    [Fact]
    public void A_waiting_batch_wakes_the_writer_only_once_queued_records_may_fill_its_room()
    {
        var queue = new EventQueue(capacity: 1_000, maxBytes: 1 << 30);
        var item = Text(0, 1_000);
        long room = 10 * item.MaxRecordBytes;
        queue.BatchRoom = room;
        var wait = queue.WaitToReadAsync();
        for (int i = 0; i < 9; i++)
        {
            queue.TryEnqueue(Text(i, 1_000), block: false);
            Assert.False(wait.IsCompleted, $"woken by item {i}, {(i + 1) * item.MaxRecordBytes} of {room} bytes");
        }

        queue.TryEnqueue(Text(9, 1_000), block: false);
        Assert.Equal(true, Outcome(wait));
        Assert.Equal(10, queue.TakeAll([]).Count);
    }

    [Fact]
    public void The_record_bound_of_an_event_is_its_framed_size_and_that_of_a_scalar_is_at_least_its_encoded_size()
    {
        var evt = new Event { Step = 3, WallTime = 1.5, Summary = TextSummary.Build("t", "body") };
        Assert.Equal(evt.CalculateSize() + TfRecordFormat.Overhead, PendingEvent.ForEvent(evt).MaxRecordBytes);

        foreach (string tag in new[] { "a", "loss", "métrique/ß", "€€€€", "🙂/x", new string('é', 300) })
        {
            foreach (long step in new[] { 0L, 1L, long.MaxValue })
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                int encoded = ScalarEventEncoder.AppendFramed(buffer, 1_700_000_000.5, step, tag, 1f);
                Assert.InRange(PendingEvent.ForScalar(step, 1_700_000_000.5, tag, 1f).MaxRecordBytes, encoded, encoded + 64 + 2 * tag.Length);
            }
        }
    }

    [Fact]
    public void Lowering_the_room_wakes_a_writer_already_waiting_when_the_queue_fills_it()
    {
        var queue = new EventQueue(capacity: 1_000, maxBytes: 1 << 30);
        queue.BatchRoom = long.MaxValue;
        var wait = queue.WaitToReadAsync();
        queue.TryEnqueue(Text(0, 100), block: false);
        Assert.False(wait.IsCompleted);

        queue.BatchRoom = 1; // the timer wrote the batch meanwhile; the queued event now starts a new one
        Assert.Equal(true, Outcome(wait));
    }

    [Fact]
    public void A_timer_wake_that_comes_while_the_writer_is_not_waiting_is_kept_for_its_next_wait()
    {
        var queue = new EventQueue(capacity: 1_000, maxBytes: 1 << 30);
        queue.BatchRoom = long.MaxValue;
        queue.Wake(); // the flush timer fired while the writer was busy
        Assert.Equal(true, Outcome(queue.WaitToReadAsync()));

        // Consumed: the next wait sleeps until something else happens.
        var next = queue.WaitToReadAsync();
        Assert.False(next.IsCompleted);
        queue.Wake();
        Assert.Equal(true, Outcome(next));
    }

    [Fact]
    public async Task A_caller_blocked_for_room_wakes_a_writer_that_sleeps_on_a_small_batch()
    {
        // One small event queued: neither urgent (far from half the bounds) nor filling the batch. The next event does
        // not fit beside it, so its caller blocks, and only the writer taking the queue can let it go on.
        var small = Text(0, 100);
        var large = Text(1, 600);
        var queue = new EventQueue(capacity: 1_000, maxBytes: small.EstimatedBytes + large.EstimatedBytes - 1);
        Assert.True(small.EstimatedBytes < (small.EstimatedBytes + large.EstimatedBytes - 1) / 2, "the first event alone is not urgent");
        queue.BatchRoom = long.MaxValue;
        Assert.True(queue.TryEnqueue(small, block: false));
        var wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);

        var caller = Task.Run(() => queue.TryEnqueue(large, block: true));
        Assert.True(await wait.AsTask().WaitAsync(s_hangGuard), "the blocked caller did not wake the writer");
        Assert.False(caller.IsCompleted);
        Assert.Equal(true, Outcome(queue.WaitToReadAsync())); // asked again while the caller is still blocked: work to do

        Assert.Single(queue.TakeAll([]));
        Assert.True(await caller.WaitAsync(s_hangGuard));
    }

    [Fact]
    public async Task Closing_wakes_the_writer_with_false_and_releases_blocked_callers()
    {
        var queue = new EventQueue(capacity: 1, maxBytes: 1 << 30);
        queue.TryEnqueue(Text(0, 10), block: false);
        var caller = Task.Run(() => queue.TryEnqueue(Text(1, 10), block: true));
        SpinWait.SpinUntil(() => queue.BlockedProducers == 1 || caller.IsCompleted, s_hangGuard);
        Assert.Equal(1, queue.BlockedProducers);

        queue.Close();
        Assert.False(await caller.WaitAsync(s_hangGuard));
        Assert.Equal(false, Outcome(queue.WaitToReadAsync()));
    }

    // True: woken to work; false: woken because the queue closed; null: still asleep.
    private static bool? Outcome(ValueTask<bool> wait) => wait.IsCompletedSuccessfully ? wait.Result : null;

    private static PendingEvent Text(int step, int chars) =>
        PendingEvent.ForEvent(new Event { Step = step, WallTime = 1.5, Summary = TextSummary.Build("t", new string('x', chars)) });
}
