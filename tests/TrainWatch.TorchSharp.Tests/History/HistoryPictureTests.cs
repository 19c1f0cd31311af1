using SkiaSharp;
using TorchSharp;
using TrainWatch.Distributions;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Tests.Pictures;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.History;

/// <summary>
/// The history pictures, decoded from the event file and checked cell by cell against the histograms the same run
/// wrote: each column must be that step's recorded counts, spread onto the fixed buckets.
/// </summary>
public sealed class HistoryPictureTests
{
    private const int Bins = 64;

    // Kept, not a temporary: see DeviceScalars.
    private static readonly Scalar s_huge = 1e7;

    [Fact]
    public void Each_column_of_the_picture_is_one_steps_recorded_histogram_on_the_fixed_buckets()
    {
        using var dir = new TempDirectory();
        var history = new HistoryOptions { EverySteps = 4 };
        RunSmallCnn(dir.Path, steps: 9, history); // samples 0..8; pictures at 4 and 8, none at 0 (one column)

        var values = RunReader.Values(dir.Path);
        Assert.Equal([4L, 8], values.Where(v => v.Value.Tag == LayerTags.ActivationHistory("features.2")).Select(v => v.Step));

        // A ReLU's output and a Linear's weight gradient, against their own histograms.
        var relu = Expected(values, "activations/features.2", history.ActivationBuckets, history.MaxColumns, lastStep: 8);
        Assert.Equal(9, relu.Columns.Count);
        Assert.All(relu.Columns, c => Assert.True(c.Counts[history.ActivationBuckets.ZeroBucket] > 0)); // ReLU makes exact zeros
        AssertPictureShows(values, LayerTags.ActivationHistory("features.2"), 8, relu);

        var gradient = Expected(values, "grads/classifier.3.weight", history.GradientBuckets, history.MaxColumns, lastStep: 8);
        AssertPictureShows(values, LayerTags.GradientHistory("classifier.3.weight"), 8, gradient);

        // The picture of step 4 shows steps 0..4 only.
        AssertPictureShows(values, LayerTags.ActivationHistory("features.2"), 4, Expected(values, "activations/features.2", history.ActivationBuckets, history.MaxColumns, lastStep: 4));
    }

    [Fact]
    public void At_the_maximum_width_old_columns_are_merged_and_the_last_step_gets_a_picture_at_the_end()
    {
        using var dir = new TempDirectory();
        var history = new HistoryOptions { EverySteps = 100, MaxColumns = 4 };
        RunSmallCnn(dir.Path, steps: 10, history); // samples 0..9: no picture at 0 (one column); on dispose, at 9

        var values = RunReader.Values(dir.Path);
        Assert.Equal([9L], values.Where(v => v.Value.Tag == LayerTags.ActivationHistory("classifier.1")).Select(v => v.Step));
        var expected = Expected(values, "activations/classifier.1", history.ActivationBuckets, 4, lastStep: 9);
        Assert.Equal([(0L, 3L), (4L, 7L), (8L, 9L)], expected.Columns.Select(c => (c.FirstStep, c.LastStep)));
        AssertPictureShows(values, LayerTags.ActivationHistory("classifier.1"), 9, expected);

        // Merging kept every count: the picture's history holds what the ten histograms held.
        double recorded = Enumerable.Range(0, 10).Sum(s => RunReader.Histogram(values, "activations/classifier.1", s).Num);
        Assert.Equal(recorded, expected.Columns.Sum(c => c.Counts.ToArray().Sum()), 6);
    }

    [Fact]
    public void A_run_of_one_sample_step_still_gets_its_history_pictures_at_the_end()
    {
        using var dir = new TempDirectory();
        var history = new HistoryOptions { EverySteps = 100 };
        RunSmallCnn(dir.Path, steps: 1, history); // its only sample is the first one, which draws none itself

        var values = RunReader.Values(dir.Path);
        Assert.Equal([0L], values.Where(v => v.Value.Tag == LayerTags.ActivationHistory("classifier.1")).Select(v => v.Step));
        var expected = Expected(values, "activations/classifier.1", history.ActivationBuckets, history.MaxColumns, lastStep: 0);
        Assert.Single(expected.Columns);
        AssertPictureShows(values, LayerTags.ActivationHistory("classifier.1"), 0, expected);
    }

    [Fact]
    public void An_exploding_layer_moves_its_outputs_mass_into_the_edge_buckets()
    {
        using var dir = new TempDirectory();
        var history = new HistoryOptions { EverySteps = 100 };
        using var model = new SmallCnn();
        var optimizer = optim.SGD(model.parameters(), 0.0); // the weights stay where the test puts them
        var fc = (global::TorchSharp.Modules.Linear)model.Classifier.named_children().Single(c => c.name == "1").module;
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, Options(history)))
        {
            var generator = new Generator(5);
            for (int step = 0; step < 8; step++)
            {
                if (step == 4)
                {
                    using (no_grad())
                    {
                        fc.weight!.mul_(s_huge);
                    }
                }

                model.TrainStep(optimizer, watch, generator);
            }

            Assert.Equal(0, watch.FailedSamples);
        }

        var values = RunReader.Values(dir.Path);
        var buckets = history.ActivationBuckets;
        var expected = Expected(values, "activations/classifier.1", buckets, history.MaxColumns, lastStep: 7);
        for (int column = 0; column < 8; column++)
        {
            var counts = expected.Columns[column].Counts;
            double edges = counts[0] + counts[^1], total = counts.ToArray().Sum();
            if (column < 4)
            {
                Assert.Equal(0, edges);
            }
            else
            {
                Assert.True(edges > 0.9 * total, $"step {column}: {edges} of {total} beyond ±{buckets.Limit}");
            }
        }

        using var png = Decode(values, LayerTags.ActivationHistory("classifier.1"), 7);
        var layout = HistoryImage.Plan(buckets.Count, history.MaxColumns, expected.Columns.Count);
        Assert.Equal(HistoryImage.Background, Pixel(png, layout.ColumnX(0), layout.BucketY(buckets.Count - 1)));
        Assert.NotEqual(HistoryImage.Background, Pixel(png, layout.ColumnX(5), layout.BucketY(buckets.Count - 1)));
        AssertPictureShows(values, LayerTags.ActivationHistory("classifier.1"), 7, expected);
    }

    [Fact]
    public void Without_history_options_none_of_the_history_pictures_the_same_run_writes_with_them_is_written()
    {
        using var on = new TempDirectory();
        using var off = new TempDirectory();
        RunSmallCnn(on.Path, steps: 2, new HistoryOptions());
        RunSmallCnn(off.Path, steps: 2, history: null);
        var withHistory = RunReader.Values(on.Path);
        var without = RunReader.Values(off.Path);

        // The control: with history options both kinds of history picture are written.
        var historyTags = withHistory.Where(v => v.Value.Image is not null).Select(v => v.Value.Tag)
            .Where(t => t.StartsWith(LayerTags.ActivationHistoryPrefix, StringComparison.Ordinal) || t.StartsWith(LayerTags.GradientHistoryPrefix, StringComparison.Ordinal))
            .ToHashSet();
        Assert.Contains(LayerTags.ActivationHistory("classifier.1"), historyTags);
        Assert.Contains(LayerTags.GradientHistory("classifier.3.weight"), historyTags);

        var leaked = without.Select(v => v.Value.Tag).Where(historyTags.Contains).Distinct().ToList();
        Assert.True(leaked.Count == 0, string.Join(", ", leaked));
        Assert.Contains(without, v => v.Value.Tag == LayerTags.ActivationHistogram("classifier.1")); // the histograms they are made from still are
    }

    private static WatchOptions Options(HistoryOptions? history) => new()
    {
        Every = 1,
        AlertsToConsole = false,
        Logger = new ListLogger(),
        Pictures = null,
        Projector = null,
        Graph = false,
        History = history,
    };

    private static void RunSmallCnn(string directory, int steps, HistoryOptions? history)
    {
        using var model = new SmallCnn();
        var optimizer = optim.SGD(model.parameters(), 0.05);
        using var watch = TrainWatcher.Attach(model, [optimizer], directory, Options(history));
        var generator = new Generator(3);
        for (int i = 0; i < steps; i++)
        {
            model.TrainStep(optimizer, watch, generator);
        }

        Assert.Equal(0, watch.FailedSamples);
    }

    // What the picture must show, rebuilt from the run's own histogram events (each step's 64 uniform buckets).
    private static BucketHistory Expected(IReadOnlyList<(long Step, Summary.Types.Value Value)> values, string histogramTag, SymLogBuckets buckets, int maxColumns, long lastStep)
    {
        var history = new BucketHistory(buckets.Count, maxColumns);
        foreach (var (step, value) in values.Where(v => v.Value.Tag == histogramTag && v.Step <= lastStep).OrderBy(v => v.Step))
        {
            var (min, max, counts) = UniformCounts(value.Histo);
            history.Add(step, buckets.Rebin(min, max, counts));
        }

        return history;
    }

    // The written histogram leaves out empty buckets at both ends; put each bucket back at its index over min..max.
    private static (double Min, double Max, double[] Counts) UniformCounts(HistogramProto histogram)
    {
        if (!(histogram.Max > histogram.Min))
        {
            return (histogram.Min, histogram.Min, [histogram.Num]);
        }

        var counts = new double[Bins];
        double width = (histogram.Max - histogram.Min) / Bins;
        for (int i = 0; i < histogram.BucketLimit.Count; i++)
        {
            int index = (int)Math.Round((histogram.BucketLimit[i] - histogram.Min) / width) - 1;
            counts[index] += histogram.Bucket[i];
        }

        return (histogram.Min, histogram.Max, counts);
    }

    private static void AssertPictureShows(IReadOnlyList<(long Step, Summary.Types.Value Value)> values, string tag, long step, BucketHistory expected)
    {
        using var png = Decode(values, tag, step);
        var layout = HistoryImage.Plan(expected.Buckets, expected.MaxColumns, expected.Columns.Count);
        Assert.Equal((layout.Width, layout.Height), (png.Width, png.Height));
        double largest = expected.Columns.SelectMany(c => Enumerable.Range(0, expected.Buckets).Select(c.MeanCount)).Max();
        for (int column = 0; column < expected.Columns.Count; column++)
        {
            for (int bucket = 0; bucket < expected.Buckets; bucket++)
            {
                double count = expected.Columns[column].MeanCount(bucket);
                var colour = count > 0 ? ColorMap.Viridis.Map((float)(Math.Log(1 + count) / Math.Log(1 + largest))) : HistoryImage.Background;
                var actual = Pixel(png, layout.ColumnX(column) + (layout.ColumnWidth / 2), layout.BucketY(bucket) + (layout.RowHeight / 2));
                Assert.True(colour == actual, $"{tag} step {step}: column {column}, bucket {bucket} (count {count}): expected {colour}, got {actual}");
            }
        }
    }

    private static SKBitmap Decode(IReadOnlyList<(long Step, Summary.Types.Value Value)> values, string tag, long step) => PictureRun.Image(values, tag, step);

    private static Rgba Pixel(SKBitmap png, int x, int y) => PictureRun.Pixel(png, x, y);
}
