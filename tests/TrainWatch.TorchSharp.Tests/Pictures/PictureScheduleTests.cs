using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Pictures;

public sealed class PictureScheduleTests
{
    [Fact]
    public void Pictures_are_written_on_the_first_sample_step_and_then_on_the_first_sample_step_past_each_multiple_of_EverySteps()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(2);
        var logger = new ListLogger();
        var options = PictureRun.Options(every: 2, new PictureOptions { EverySteps = 5 }, logger);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, options))
        {
            for (int step = 0; step < 30; step++)
            {
                model.TrainStep(optimizer, watch, generator);
            }

            Assert.True(watch.FailedSamples == 0, string.Join("\n", logger.Messages));
        }

        var values = RunReader.Values(dir.Path);
        // Sample steps 0, 2, 4, ..., 28; pictures at 0, then at the first sample step at or past 5, 10, 15, ..., and the
        // final set at the last sample step (28), written when the watcher is disposed.
        long[] expected = [0, 6, 10, 16, 20, 26, 28];
        string[] tags =
        [
            "kernels/features.0", "kernel_smoothness/features.0", "heatmaps/classifier.1.weight", "heatmaps/classifier.3.weight",
            "activation_maps/features.2", "saliency/input", "gradcam/features.0", "probe/predictions",
        ];
        foreach (string tag in tags)
        {
            Assert.Equal(expected, values.Where(v => v.Value.Tag == tag).Select(v => v.Step).Order().ToArray());
        }

        var pictureTags = values.Select(v => v.Value.Tag)
            .Where(t => t.Split('/')[0] is "kernels" or "kernel_smoothness" or "heatmaps" or "activation_maps" or "saliency" or "gradcam" or "probe")
            .ToHashSet();
        Assert.Equal(tags.Order(), pictureTags.Order());
    }

    [Fact]
    public void Null_picture_options_write_none_of_the_pictures_the_same_run_writes_with_them()
    {
        var withPictures = RunOneStep(PictureRun.Options(every: 1));
        var without = RunOneStep(PictureRun.Options(every: 1) with { Pictures = null });

        // The control: with picture options the step writes the CNN's kernels and its classifier's heat maps. (The
        // distribution histories are images too, but a feature of their own, on in both runs.)
        var pictureTags = withPictures.Where(v => v.Value.Image is not null).Select(v => v.Value.Tag)
            .Where(t => !t.StartsWith(LayerTags.ActivationHistoryPrefix, StringComparison.Ordinal) && !t.StartsWith(LayerTags.GradientHistoryPrefix, StringComparison.Ordinal))
            .ToHashSet();
        Assert.Contains(PictureTags.Kernels("features.0"), pictureTags);
        Assert.Contains(PictureTags.Heatmap("classifier.1.weight"), pictureTags);

        var leaked = without.Select(v => v.Value.Tag).Where(pictureTags.Contains).Distinct().ToList();
        Assert.True(leaked.Count == 0, string.Join(", ", leaked));
        Assert.Contains(without, v => v.Value.Tag == RunTags.Loss); // the run itself was written
    }

    private static IReadOnlyList<(long Step, Summary.Types.Value Value)> RunOneStep(WatchOptions options)
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(2);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, options))
        {
            model.TrainStep(optimizer, watch, generator);
        }

        return RunReader.Values(dir.Path);
    }
}
