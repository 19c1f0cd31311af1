using System.Diagnostics;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>A timing's median with its spread over the runs it was taken from.</summary>
public readonly record struct Timing(TimeSpan Median, TimeSpan Min, TimeSpan Max)
{
    /// <summary>Arithmetic on timings uses the median.</summary>
    public static implicit operator TimeSpan(Timing timing) => timing.Median;

    public static Timing Of(IReadOnlyCollection<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return new Timing(sorted[sorted.Count / 2], sorted[0], sorted[^1]);
    }
}

/// <summary>
/// Stopwatch timing with warm-up and repetitions; medians (with min–max beside them) resist the noise of a shared
/// 2-core machine, and interleaved rounds spread its slow drift over everything compared.
/// </summary>
public static class Measure
{
    /// <summary>Wall time of <paramref name="action"/> over <paramref name="repetitions"/> runs after <paramref name="warmup"/>.</summary>
    public static Timing Median(Action action, int repetitions, int warmup = 1)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        var times = new List<TimeSpan>(repetitions);
        for (int i = 0; i < repetitions; i++)
        {
            times.Add(Time(action));
        }

        return Timing.Of(times);
    }

    /// <summary>
    /// Each action once per round, in turn, for <paramref name="rounds"/> rounds (after one warm-up round when
    /// <paramref name="warmup"/>): a slow change of the machine's speed hits every action alike.
    /// </summary>
    public static Timing[] Interleaved(int rounds, bool warmup, params Action[] actions) =>
        InterleavedTimed(rounds, warmup, actions.Select(action => (Func<TimeSpan>)(() => Time(action))).ToArray());

    /// <summary>
    /// As <see cref="Interleaved(int, bool, Action[])"/>, for actions that time only part of what they do (setup and
    /// teardown outside the clock) and return that time.
    /// </summary>
    public static Timing[] InterleavedTimed(int rounds, bool warmup, params Func<TimeSpan>[] actions)
    {
        if (warmup)
        {
            foreach (var action in actions)
            {
                action();
            }
        }

        var times = actions.Select(_ => new List<TimeSpan>(rounds)).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int a = 0; a < actions.Length; a++)
            {
                times[a].Add(actions[a]());
            }
        }

        return times.Select(Timing.Of).ToArray();
    }

    public static TimeSpan Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>"median (min–max)".</summary>
    public static string Format(Timing timing) => $"{Format(timing.Median)} ({Format(timing.Min)}–{Format(timing.Max)})";

    public static string Format(TimeSpan time) => time.TotalMilliseconds switch
    {
        >= 1000 => $"{time.TotalSeconds:F2} s",
        >= 1 => $"{time.TotalMilliseconds:F2} ms",
        _ => $"{time.TotalMilliseconds * 1000:F1} µs",
    };

    /// <summary>How many times faster <paramref name="ours"/> is: the medians' ratio, and the least and most the runs allow.</summary>
    public static string Ratio(Timing baseline, Timing ours) =>
        $"{baseline.Median / ours.Median:F1}× ({baseline.Min / ours.Max:F1}–{baseline.Max / ours.Min:F1})";
}
