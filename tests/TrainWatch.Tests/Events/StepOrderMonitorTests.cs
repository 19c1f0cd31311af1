using TrainWatch.Events;

namespace TrainWatch.Tests.Events;

/// <summary>
/// The step-order check keeps each tag's last step in one table, and remembers the tag strings of the last lists it was
/// given by position so that a watcher's identical lists skip the hashing: equal tags must still share one state,
/// whichever string objects carry them and whichever way they arrive.
/// </summary>
public class StepOrderMonitorTests
{
    [Fact]
    public void The_same_tag_strings_in_rising_steps_are_in_order_and_a_repeated_step_counts_every_tag()
    {
        var monitor = NewMonitor();
        string[] tags = ["layer/a/mean", "layer/a/std", "layer/b/mean"];
        for (long step = 1; step <= 3; step++)
        {
            monitor.Observe(tags, step);
        }

        Assert.Equal(0, monitor.OutOfOrder);
        monitor.Observe(tags, 3);
        Assert.Equal(3, monitor.OutOfOrder);
    }

    [Fact]
    public void Equal_tags_in_new_string_objects_share_the_state_the_list_left()
    {
        var monitor = NewMonitor();
        monitor.Observe(Fresh("layer/a/mean", "layer/b/mean"), 5);

        // Other objects, the same values: looked up by value, so the step going back is seen.
        monitor.Observe(Fresh("layer/a/mean", "layer/b/mean"), 4);
        Assert.Equal(2, monitor.OutOfOrder);

        // One tag alone, by the single-value path, after the list left it at 5.
        monitor.Observe(Fresh("layer/b/mean")[0], 5);
        Assert.Equal(3, monitor.OutOfOrder);
        monitor.Observe(Fresh("layer/b/mean")[0], 6);
        Assert.Equal(3, monitor.OutOfOrder);
    }

    [Fact]
    public void A_tag_that_moves_to_another_position_keeps_its_own_last_step()
    {
        var monitor = NewMonitor();
        string a = "layer/a/mean", b = "layer/b/mean";
        monitor.Observe([a, b], 10);

        // A new tag where another stood has no history: an early step is no fault of its.
        monitor.Observe(["layer/c/mean"], 3);
        Assert.Equal(0, monitor.OutOfOrder);

        // The positions now hold each other's tag: each is checked against its own last step.
        monitor.Observe([b, a], 11);
        Assert.Equal(0, monitor.OutOfOrder);
        monitor.Observe([b, a], 11);
        Assert.Equal(2, monitor.OutOfOrder);
        monitor.Observe(["layer/c/mean", a], 4);
        Assert.Equal(3, monitor.OutOfOrder);
    }

    [Fact]
    public void A_longer_list_after_a_shorter_one_checks_every_tag()
    {
        var monitor = NewMonitor();
        monitor.Observe(["x"], 1);
        monitor.Observe(["x", "y", "z"], 2);
        monitor.Observe(["x", "y", "z"], 2);
        Assert.Equal(3, monitor.OutOfOrder);
    }

    [Fact]
    public void Two_alternating_lists_are_both_served_by_position_and_still_share_their_common_tags()
    {
        // A watcher's sample summary and, at the next step, its update ratios: two lists in turn. After each has been
        // seen once, no tag of either is hashed again; a tag both carry keeps one last step.
        var monitor = NewMonitor();
        string shared = "layer/a/mean";
        string[] sample = ["layer/a/std", shared, "layer/b/mean"], updates = ["layer/a/update_ratio", "layer/b/update_ratio"];
        monitor.Observe(sample, 4);
        monitor.Observe(updates, 5);
        long hashed = monitor.TagsHashed;
        Assert.Equal(sample.Length + updates.Length, hashed);

        for (long step = 8; step <= 40; step += 4)
        {
            monitor.Observe(sample, step);
            monitor.Observe(updates, step + 1);
        }

        Assert.Equal(hashed, monitor.TagsHashed);
        Assert.Equal(0, monitor.OutOfOrder);

        // The shared tag, now in a list of its own at the step the sample list last wrote it: out of order.
        monitor.Observe(["other/first", shared], 40);
        Assert.Equal(1, monitor.OutOfOrder);
        monitor.Observe(updates, 41);
        Assert.Equal(3, monitor.OutOfOrder);
    }

    [Fact]
    public void More_lists_in_turn_than_are_cached_are_still_checked_tag_by_tag()
    {
        var monitor = NewMonitor();
        var lists = Enumerable.Range(0, 7).Select(l => new[] { $"list{l}/a", $"list{l}/b" }).ToArray();
        for (long step = 1; step <= 5; step++)
        {
            foreach (var list in lists)
            {
                monitor.Observe(list, step);
            }
        }

        Assert.Equal(0, monitor.OutOfOrder);
        monitor.Observe(lists[3], 5);
        monitor.Observe(lists[6], 2);
        Assert.Equal(4, monitor.OutOfOrder);
    }

    private static StepOrderMonitor NewMonitor() => new(new WriterErrorReporter(logger: null, runDirectory: "run"));

    // Tags as string objects made now, equal to any other copy of them but not the same object.
    private static string[] Fresh(params string[] tags) => tags.Select(t => new string(t.AsSpan())).ToArray();
}
