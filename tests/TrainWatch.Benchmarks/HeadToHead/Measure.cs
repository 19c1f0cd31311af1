using System.Diagnostics;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>Stopwatch timing with warm-up and repetitions; the median resists the noise of a shared 2-core machine.</summary>
public static class Measure
{
    /// <summary>Median wall time of <paramref name="action"/> over <paramref name="repetitions"/> runs after <paramref name="warmup"/>.</summary>
    public static TimeSpan Median(Action action, int repetitions, int warmup = 1)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        var times = new List<TimeSpan>(repetitions);
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start));
        }

        times.Sort();
        return times[times.Count / 2];
    }

    public static string Format(TimeSpan time) => time.TotalMilliseconds switch
    {
        >= 1000 => $"{time.TotalSeconds:F2} s",
        >= 1 => $"{time.TotalMilliseconds:F2} ms",
        _ => $"{time.TotalMilliseconds * 1000:F1} µs",
    };
}
