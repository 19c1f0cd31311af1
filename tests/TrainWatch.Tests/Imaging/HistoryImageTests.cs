using TrainWatch.Distributions;
using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class HistoryImageTests
{
    [Fact]
    public void Each_column_shows_its_steps_counts_log_scaled_and_empty_buckets_stay_background()
    {
        var buckets = new SymLogBuckets(1e-3, 1e3, 4);
        var history = new BucketHistory(buckets.Count, maxColumns: 8);
        var random = new Random(3);
        var recorded = new List<double[]>();
        for (int s = 0; s < 6; s++)
        {
            // A different random range each step, one column with non-finite values.
            double lo = -random.NextDouble() * Math.Pow(10, s - 2), hi = random.NextDouble() * Math.Pow(10, s - 1);
            double[] counts = buckets.Rebin(lo, hi, Enumerable.Range(0, 16).Select(_ => (double)random.Next(0, 50)).ToArray());
            recorded.Add(counts);
            history.Add(s * 100, counts, nonFinite: s == 4 ? 3 : 0);
        }

        using var png = DecodedPng.Of(HistoryImage.Render(history, buckets.AxisLabels()));
        var layout = HistoryImage.Plan(buckets.Count, 8, recorded.Count);
        Assert.Equal((layout.Width, layout.Height), (png.Width, png.Height));
        double largest = recorded.SelectMany(c => c).Max();
        for (int column = 0; column < recorded.Count; column++)
        {
            for (int bucket = 0; bucket < buckets.Count; bucket++)
            {
                double count = recorded[column][bucket];
                var expected = count > 0 ? ColorMap.Viridis.Map((float)(Math.Log(1 + count) / Math.Log(1 + largest))) : HistoryImage.Background;

                // Every pixel of the cell.
                for (int dy = 0; dy < layout.RowHeight; dy++)
                {
                    for (int dx = 0; dx < layout.ColumnWidth; dx++)
                    {
                        Assert.Equal(expected, png[layout.ColumnX(column) + dx, layout.BucketY(bucket) + dy]);
                    }
                }
            }

            var strip = png[layout.ColumnX(column), layout.NonFiniteTop];
            Assert.Equal(column == 4, strip == Rgba.Magenta);
        }

        // 6 of 8 columns fill the whole plot: the last column reaches its right edge, where the gap before the colour
        // bar begins; the bar's top is the brightest colour, its bottom the darkest.
        int right = layout.ColumnX(recorded.Count);
        Assert.Equal(layout.PlotLeft + layout.PlotWidth, right);
        Assert.NotEqual(HistoryImage.Background, png[right - 1, layout.NonFiniteTop]); // the last column's strip is drawn
        Assert.Equal(HistoryImage.Background, png[right + 1, layout.BucketY(buckets.ZeroBucket)]);
        Assert.Equal(ColorMap.Viridis.Map(1f), png[layout.ColourBarLeft, layout.PlotTop]);
        Assert.Equal(ColorMap.Viridis.Map(0f), png[layout.ColourBarLeft + layout.ColourBarWidth - 1, layout.PlotBottom - 1]);
    }

    [Fact]
    public void A_merged_column_is_drawn_per_step_so_it_matches_an_unmerged_one_with_the_same_distribution()
    {
        var history = new BucketHistory(3, maxColumns: 2);
        history.Add(0, [0, 8, 0]);
        history.Add(1, [0, 8, 0]);
        history.Add(2, [0, 8, 0]); // merges steps 0 and 1 into one column of 16 counts over 2 steps
        Assert.Equal(16, history.Columns[0].Counts[1]);
        using var png = DecodedPng.Of(HistoryImage.Render(history, []));
        var layout = HistoryImage.Plan(3, 2);
        Assert.Equal(png[layout.ColumnX(0), layout.BucketY(1)], png[layout.ColumnX(1), layout.BucketY(1)]);
        Assert.Equal(ColorMap.Viridis.Map(1f), png[layout.ColumnX(0), layout.BucketY(1)]);
    }

    // The watcher draws every layer's history into one kept buffer: a picture drawn over a larger one's leftovers must
    // come out exactly as if drawn alone, and a buffer too small is replaced, not overrun.
    [Fact]
    public void Pictures_drawn_into_a_reused_buffer_match_pictures_drawn_alone()
    {
        var buckets = new SymLogBuckets(1e-3, 1e3, 4);
        var wide = new BucketHistory(buckets.Count, maxColumns: 16);
        var narrow = new BucketHistory(buckets.Count, maxColumns: 4);
        var random = new Random(5);
        for (int s = 0; s < 12; s++)
        {
            wide.Add(s, buckets.Rebin(-1, 1 + s, Enumerable.Range(0, 8).Select(_ => (double)random.Next(0, 40)).ToArray()));
            narrow.Add(s, buckets.Rebin(-0.01 * s, 0.5, Enumerable.Range(0, 8).Select(_ => (double)random.Next(0, 40)).ToArray()), nonFinite: s % 3);
        }

        var tooSmall = new byte[16];
        var first = HistoryImage.Render(wide, buckets.AxisLabels(), tooSmall);
        Assert.NotSame(tooSmall, first.PixelArray);
        Assert.Equal(HistoryImage.Render(wide, buckets.AxisLabels()).EncodePng(), first.EncodePng());

        var kept = first.PixelArray;
        var second = HistoryImage.Render(narrow, buckets.AxisLabels(), kept);
        Assert.Same(kept, second.PixelArray);
        Assert.True(second.Width * second.Height < first.Width * first.Height);
        Assert.Equal(HistoryImage.Render(narrow, buckets.AxisLabels()).EncodePng(), second.EncodePng());
        Assert.Equal(second.Width * second.Height * 4, second.Pixels.Length);
    }
}
