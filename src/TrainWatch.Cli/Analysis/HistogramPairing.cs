using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TrainWatch.Cli.Reading;
using TrainWatch.Events;

namespace TrainWatch.Cli.Analysis;

/// <summary>What the second reading of both runs measured, per compared tag (in the order asked).</summary>
/// <param name="Distances">d at each common step of the tag's <see cref="StepAlignment"/> (NaN if a histogram is gone).</param>
/// <param name="StdRatios">std_B / std_A at each common step.</param>
/// <param name="ColumnsA">Run A's distribution-chart columns (empty unless asked for).</param>
/// <param name="ColumnsB">Run B's.</param>
internal sealed record PairedHistograms(double[][] Distances, double[][] StdRatios, DistributionColumn[][] ColumnsA, DistributionColumn[][] ColumnsB)
{
    /// <summary>
    /// Lets the series of tag <paramref name="slot"/> be collected once its comparison has taken what it reports: every
    /// step of every tag held until the last tag is compared would be most of a diff's memory.
    /// </summary>
    public void Release(int slot)
    {
        Distances[slot] = [];
        StdRatios[slot] = [];
    }
}

/// <summary>
/// Reads both runs a second time, side by side, and measures d (<see cref="NormalizedDistance"/>) at every common step
/// of every compared tag as soon as both runs' histograms of that step are in: a histogram waits only for its partner,
/// not for the end of the run. Each run is read on its own thread into a short queue; the next histogram is taken from
/// the run that is behind (the one whose histograms wait for fewer partners), so for two runs logged in the same order —
/// always the case for the watcher — at most about one step's histograms are held. What is read is exactly what the
/// first reading chose (the last value of each common step), so the distances are the ones a reading that kept every
/// histogram would give.
/// </summary>
internal static class HistogramPairing
{
    // Enough to keep both reader threads busy while the distances are computed; ~256 KB of 64-bucket histograms.
    private const int QueueLength = 256;

    /// <summary>Measures the distances of <paramref name="tags"/>, aligned as <paramref name="alignments"/> says.</summary>
    /// <param name="runA">Run A's files.</param>
    /// <param name="a">Run A as read the first time (for the positions of undecodable values).</param>
    /// <param name="runB">Run B's files.</param>
    /// <param name="b">Run B as read the first time.</param>
    /// <param name="tags">The compared tags.</param>
    /// <param name="alignments">Each tag's alignment.</param>
    /// <param name="charts">Whether to collect the HTML report's distribution columns too.</param>
    /// <param name="cancellation">Stops both readers.</param>
    public static PairedHistograms Measure(EventRun runA, RunData a, EventRun runB, RunData b, IReadOnlyList<string> tags, IReadOnlyList<StepAlignment> alignments, bool charts, CancellationToken cancellation)
    {
        var planA = tags.Select((tag, i) => SidePlan.Create(alignments[i].CommonA, charts ? alignments[i].ChartA : [], a.UndecodableHistograms.GetValueOrDefault(tag))).ToArray();
        var planB = tags.Select((tag, i) => SidePlan.Create(alignments[i].CommonB, charts ? alignments[i].ChartB : [], b.UndecodableHistograms.GetValueOrDefault(tag))).ToArray();
        var distances = alignments.Select(x => Enumerable.Repeat(double.NaN, x.CommonSteps.Length).ToArray()).ToArray();
        var stdRatios = alignments.Select(x => Enumerable.Repeat(double.NaN, x.CommonSteps.Length).ToArray()).ToArray();
        var columnsA = planA.Select(p => new DistributionColumn[p.ColumnIndices.Length]).ToArray();
        var columnsB = planB.Select(p => new DistributionColumn[p.ColumnIndices.Length]).ToArray();

        // A histogram whose partner has not been read yet, by (tag slot, common-step index).
        var waitingA = new Dictionary<long, BucketHistogram>();
        var waitingB = new Dictionary<long, BucketHistogram>();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var queueA = new BlockingCollection<ReplayedHistogram>(QueueLength);
        using var queueB = new BlockingCollection<ReplayedHistogram>(QueueLength);
        var readers = new[]
        {
            Task.Factory.StartNew(() => Produce(runA, tags, planA, queueA, stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            Task.Factory.StartNew(() => Produce(runB, tags, planB, queueB, stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default),
        };

        Exception? readerFailure = null;
        try
        {
            bool openA = true, openB = true, preferA = true;
            while (openA || openB)
            {
                // The run whose histograms wait for fewer partners is behind; on a tie, take turns.
                bool fromA = !openB || (openA && (waitingA.Count < waitingB.Count || (waitingA.Count == waitingB.Count && preferA)));
                preferA = !preferA;
                if (!(fromA ? queueA : queueB).TryTake(out var item, Timeout.Infinite, stop.Token))
                {
                    openA &= !fromA;
                    openB &= fromA;
                    continue;
                }

                var plan = (fromA ? planA : planB)[item.Slot];
                if (plan.ColumnOf.TryGetValue(item.Index, out int column))
                {
                    var stats = (fromA ? a : b).HistogramStats[tags[item.Slot]];
                    (fromA ? columnsA : columnsB)[item.Slot][column] = DistributionColumn.Of(stats[plan.ColumnIndices[column]].Step, item.Histogram);
                }

                if (plan.CommonOf(item.Index) is >= 0 and int common)
                {
                    long key = ((long)item.Slot << 32) | (uint)common;
                    var (own, other) = fromA ? (waitingA, waitingB) : (waitingB, waitingA);
                    if (other.Remove(key, out var partner))
                    {
                        // Always (A, B) in this order: the same arithmetic, to the last bit, as before the runs were read twice.
                        var (histogramA, histogramB) = fromA ? (item.Histogram, partner) : (partner, item.Histogram);
                        distances[item.Slot][common] = NormalizedDistance.Between(histogramA, histogramB);
                        stdRatios[item.Slot][common] = Ratio(histogramB.StandardDeviation, histogramA.StandardDeviation);
                    }
                    else
                    {
                        own[key] = item.Histogram;
                    }
                }
            }
        }
        finally
        {
            // Unblocks a reader still adding to a full queue when the loop above failed.
            stop.Cancel();
            readerFailure = WaitFor(readers);
        }

        cancellation.ThrowIfCancellationRequested();
        if (readerFailure is not null)
        {
            // Why unwrap: the user should read "permission denied on X", not "one or more errors occurred".
            ExceptionDispatchInfo.Throw(readerFailure);
        }

        return new PairedHistograms(distances, stdRatios, columnsA, columnsB);
    }

    /// <summary>B/A, where the same value is ratio 1 (0/0 included): "no change" is what a user expects to read for two zero biases.</summary>
    public static double Ratio(double numerator, double denominator) =>
        numerator == denominator ? 1 : numerator / denominator;

    private static void Produce(EventRun run, IReadOnlyList<string> tags, SidePlan[] plans, BlockingCollection<ReplayedHistogram> queue, CancellationToken cancellation)
    {
        try
        {
            foreach (var item in HistogramReplay.Read(run, tags, plans.Select(p => p.Positions).ToArray(), cancellation))
            {
                queue.Add(item, cancellation);
            }
        }
        finally
        {
            // Tells the loop this run is done, also when reading it failed (the failure is thrown once both stopped).
            queue.CompleteAdding();
        }
    }

    // The first failure of a reader other than the cancellation asked for when the loop ended.
    private static Exception? WaitFor(Task[] readers)
    {
        try
        {
            Task.WaitAll(readers);
            return null;
        }
        catch (AggregateException e)
        {
            return e.Flatten().InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException);
        }
    }
}
