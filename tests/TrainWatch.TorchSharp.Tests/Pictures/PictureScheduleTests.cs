using TrainWatch.TorchSharp.Pictures;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Pictures;

public sealed class PictureScheduleTests
{
    [Fact]
    public void Pictures_are_written_on_the_first_and_every_Mth_sample_step_only()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = new SmallCnn();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var generator = new Generator(2);
        var logger = new ListLogger();
        var options = PictureRun.Options(every: 2, new PictureOptions { EverySamples = 3 }, logger);
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, options))
        {
            for (int step = 0; step < 30; step++)
            {
                model.TrainStep(optimizer, watch, generator);
            }

            Assert.True(watch.FailedSamples == 0, string.Join("\n", logger.Messages));
        }

        var values = RunReader.Values(dir.Path);
        long[] expected = [0, 6, 12, 18, 24]; // sample steps 0, 2, 4, ...; pictures on samples 0, 3, 6, 9, 12
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
