using System.Globalization;
using TrainWatch.Events;

namespace TrainWatch.Tests.Events;

public sealed class EventFileNameTests
{
    [Fact]
    public void Names_made_in_the_same_second_sort_in_the_order_they_were_made()
    {
        // Made until the counter gains a digit (9 to 10, 99 to 100, ...), wherever other tests have left it: an unpadded
        // counter sorts "...10" before "...9" there, and TensorBoard and RunDirectory read a run's files in name order.
        var now = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
        var names = new List<string> { EventFileName.Create(now), EventFileName.Create(now) };
        while (!(Digits(names[^2]) >= 1 && Digits(names[^1]) > Digits(names[^2])))
        {
            names.Add(EventFileName.Create(now));
        }

        Assert.Equal(names, names.Order(StringComparer.Ordinal));
        Assert.All(names, n => Assert.True(EventFileName.IsEventFile(n)));
    }

    [Fact]
    public void A_name_carries_the_time_host_and_process_and_is_unique()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
        string first = EventFileName.Create(now, ".suffix");
        string second = EventFileName.Create(now, ".suffix");

        Assert.NotEqual(first, second);
        Assert.StartsWith("events.out.tfevents.1764000000.", first, StringComparison.Ordinal);
        Assert.EndsWith(".suffix", first, StringComparison.Ordinal);
        Assert.Contains("." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".", first, StringComparison.Ordinal);
    }

    // The counter is the last dot-separated part; its significant digits grow as the process makes more files.
    private static int Digits(string name) => name[(name.LastIndexOf('.') + 1)..].TrimStart('0').Length;
}
