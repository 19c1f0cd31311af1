using TrainWatch.Events;

namespace TrainWatch.Tests.Events;

/// <summary>
/// The step-order check keeps each tag's last step in one table, and remembers the tag strings of the last list it was
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

    private static StepOrderMonitor NewMonitor() => new(new WriterErrorReporter(logger: null, runDirectory: "run"));

    // Tags as string objects made now, equal to any other copy of them but not the same object.
    private static string[] Fresh(params string[] tags) => tags.Select(t => new string(t.AsSpan())).ToArray();
}
