using TrainWatch.Imaging;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Features.Pictures;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Pictures;

/// <summary>The same promises on a model that is not Sequential: the fault zoo's U-Net (fields, a concatenating skip, a ConvTranspose2d).</summary>
public sealed class UNetPictureTests
{
    [Fact]
    public void A_UNet_gets_decoder_kernels_and_maps_an_output_vs_input_picture_at_the_last_step_and_logs_only_its_start_up_line()
    {
        using var dir = new TempDirectory();
        manual_seed(2);
        using var model = new global::TrainWatch.Examples.FaultZoo.Models.TinyUNet();
        var optimizer = optim.Adam(model.parameters(), lr: 1e-2);
        var generator = new Generator(3);
        var logger = new ListLogger();
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, new WatchOptions { Every = 4, AlertsToConsole = false, Logger = logger }))
        {
            for (int step = 0; step < 10; step++)
            {
                using var scope = NewDisposeScope();
                var (x, y) = model.Batch(8, generator);
                optimizer.zero_grad();
                var loss = model.Loss(model.call(x), y);
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }

            Assert.Equal(0, watch.FailedSamples);
        }

        string line = Assert.Single(logger.Messages, m => !m.StartsWith("TrainWatch alert", StringComparison.Ordinal));
        Assert.StartsWith("TrainWatch: writing", line, StringComparison.Ordinal);
        var values = RunReader.Values(dir.Path);

        // Samples at 0, 4, 8; pictures at 0 and, from Dispose, at 8. "up" is the ConvTranspose2d: [in 16, out 8, 2, 2].
        foreach (string tag in new[] { "kernels/up", "kernels/dec", "activation_maps/act3", PictureTags.OutputVsInput })
        {
            Assert.Equal([0L, 8], values.Where(v => v.Value.Tag == tag).Select(v => v.Step).Order().ToArray());
        }

        using var kernels = PictureRun.Image(values, "kernels/up", 8);
        var layout = PictureGrids.GrayKernels(new float[8 * 8 * 4], 8, 8, 2, 2);
        Assert.Equal(ColorKey.SizeBelow(layout.Width, layout.Height), (kernels.Width, kernels.Height));

        // The 2-class output has the input's 8×8 layout: shown (as the gray of its channels' mean) next to each input.
        using var pairs = PictureRun.Image(values, PictureTags.OutputVsInput, 8);
        var grid = OutputVsInput.Grid(new float[2 * 4 * 3 * 8 * 8], 4, 8, 8);
        Assert.Equal((grid.Width, grid.Height), (pairs.Width, pairs.Height));
    }
}
