using TrainWatch.TorchSharp.Pictures;
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
    public void Null_picture_options_write_no_pictures()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(2);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, PictureRun.Options(every: 1) with { Pictures = null }))
        {
            model.TrainStep(optimizer, watch, generator);
        }

        Assert.DoesNotContain(RunReader.Values(dir.Path), v => v.Value.Tag.StartsWith("kernels/", StringComparison.Ordinal));
    }
}
