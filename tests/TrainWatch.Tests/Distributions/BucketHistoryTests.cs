using TrainWatch.Distributions;

namespace TrainWatch.Tests.Distributions;

public class BucketHistoryTests
{
    [Fact]
    public void Columns_are_kept_one_per_step_until_the_history_is_full()
    {
        var history = new BucketHistory(buckets: 3, maxColumns: 4);
        for (int s = 0; s < 4; s++)
        {
            Assert.True(history.Add(s * 10, [s, 1, 0]));
        }

        Assert.Equal(1, history.SamplesPerColumn);
        Assert.Equal([0L, 10, 20, 30], history.Columns.Select(c => c.FirstStep));
        Assert.Equal([0.0, 1, 2, 3], history.Columns.Select(c => c.Counts[0]));
    }

    [Fact]
    public void At_the_maximum_width_neighbouring_columns_merge_in_pairs_and_every_count_is_kept()
    {
        var history = new BucketHistory(buckets: 2, maxColumns: 4);
        double total0 = 0, total1 = 0, nonFinite = 0;
        for (int s = 0; s < 11; s++)
        {
            double a = s + 1, b = 100 * s;
            history.Add(s, [a, b], nonFinite: s == 7 ? 5 : 0);
            total0 += a;
            total1 += b;
            nonFinite += s == 7 ? 5 : 0;
            Assert.True(history.Columns.Count <= 4);

            // Nothing is lost by merging.
            Assert.Equal(total0, history.Columns.Sum(c => c.Counts[0]));
            Assert.Equal(total1, history.Columns.Sum(c => c.Counts[1]));
            Assert.Equal(nonFinite, history.Columns.Sum(c => c.NonFinite));
            Assert.Equal(s + 1, history.Columns.Sum(c => c.Samples));
        }

        // 11 steps in columns of 4 (merged twice: 1 → 2 → 4): steps 0-3, 4-7, 8-10 (still filling).
        Assert.Equal(4, history.SamplesPerColumn);
        Assert.Equal([(0L, 3L), (4L, 7L), (8L, 10L)], history.Columns.Select(c => (c.FirstStep, c.LastStep)));
        Assert.Equal([4, 4, 3], history.Columns.Select(c => c.Samples));
        Assert.Equal(1.0 + 2 + 3 + 4, history.Columns[0].Counts[0]);
        Assert.Equal(5, history.Columns[1].NonFinite);
        Assert.Equal((9.0 + 10 + 11) / 3, history.Columns[2].MeanCount(0), 12);
    }

    [Fact]
    public void Once_it_has_merged_a_history_adds_steps_into_the_columns_merges_emptied()
    {
        // A watched model adds a column per layer every few samples for the whole run: after the first merge those
        // come from the columns merges empty, and each starts from its own step's counts only.
        var history = new BucketHistory(buckets: 3, maxColumns: 4);
        var counts = new double[3];
        long step = 0;
        for (; step < 8; step++)
        {
            counts[0] = 1;
            history.Add(step, counts, nonFinite: 1);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        double total = 8;
        for (; step < 200; step++)
        {
            counts[0] = step;
            counts[2] = step % 3;
            history.Add(step, counts, nonFinite: 1);
            total += step;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(total, history.Columns.Sum(c => c.Counts[0]));
        Assert.Equal(Enumerable.Range(8, 192).Sum(s => s % 3), history.Columns.Sum(c => c.Counts[2]));
        Assert.Equal(0, history.Columns.Sum(c => c.Counts[1]));
        Assert.Equal(200, history.Columns.Sum(c => c.NonFinite));
        Assert.Equal(200, history.Columns.Sum(c => c.Samples));

        // Steps 0-199 in columns of 64 (merged six times): 0-63, 64-127, 128-191, 192-199, each with its own steps.
        Assert.Equal([(0L, 63L), (64L, 127L), (128L, 191L), (192L, 199L)], history.Columns.Select(c => (c.FirstStep, c.LastStep)));
        Assert.Equal(Enumerable.Range(192, 8).Sum(), history.Columns[^1].Counts[0]);
    }

    [Fact]
    public void A_step_not_after_the_last_is_ignored_and_wrong_sizes_are_refused()
    {
        var history = new BucketHistory(buckets: 2, maxColumns: 2);
        Assert.True(history.Add(5, [1, 1]));
        Assert.False(history.Add(5, [1, 1]));
        Assert.False(history.Add(3, [1, 1]));
        Assert.Single(history.Columns);
        Assert.Throws<ArgumentException>(() => history.Add(6, [1, 1, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BucketHistory(2, 3));
    }
}
