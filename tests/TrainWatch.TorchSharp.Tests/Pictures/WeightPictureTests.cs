using TrainWatch.Imaging;
using TrainWatch.TorchSharp.Features.Pictures;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Pictures;

public sealed class WeightPictureTests
{
    [Fact]
    public void A_known_first_layer_kernel_gives_known_RGB_pixels_and_smoothness()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("conv", Conv2d(3, 2, 3)), ("flatten", Flatten()), ("fc", Linear(2 * 6 * 6, 2)));
        var conv = (global::TorchSharp.Modules.Conv2d)model.named_modules().Single(m => m.name == "conv").module;
        using (no_grad())
        {
            // Kernel 0: red plane 1, green and blue 0 → pure red after per-tile min–max.
            conv.weight!.zero_();
            conv.weight[0, 0].fill_(1);
            // Kernel 1: -1 everywhere but +1 at the centre of every plane → a white centre on black.
            conv.weight[1].fill_(-1);
            conv.weight[1, TensorIndex.Colon, 1, 1].fill_(1);
        }

        using (var watch = TrainWatcher.Attach(model, [optim.SGD(model.parameters(), 0.1)], dir.Path, PictureRun.Options(every: 1)))
        {
            watch.Step();
            Assert.Equal(0, watch.FailedSamples);
        }

        var values = RunReader.Values(dir.Path);
        using var png = PictureRun.Image(values, "kernels/conv", 0);
        var layout = PictureGrids.RgbKernels(new float[2 * 3 * 3 * 3], 2, 3, 3);
        Assert.Equal((layout.Width, layout.Height), (png.Width, png.Height));
        int s = layout.Scale;
        var (x0, y0) = layout.TileOrigin(0);
        var (x1, y1) = layout.TileOrigin(1);
        for (int ky = 0; ky < 3; ky++)
        {
            for (int kx = 0; kx < 3; kx++)
            {
                Assert.Equal(new Rgba(255, 0, 0), PictureRun.Pixel(png, x0 + (kx * s) + (s / 2), y0 + (ky * s) + (s / 2)));
                var expected = (kx, ky) == (1, 1) ? Rgba.White : Rgba.Black;
                Assert.Equal(expected, PictureRun.Pixel(png, x1 + (kx * s) + (s / 2), y1 + (ky * s) + (s / 2)));
            }
        }

        // Kernel 0's planes are constant (variation 0); kernel 1's planes have 4 unit steps out of 12 pairs: mean 1/6.
        Assert.Equal(1.0 / 6, RunReader.Scalar(values, "kernel_smoothness/conv", 0), 4);
    }

    [Fact]
    public void Deeper_kernels_are_signed_one_row_per_input_channel_limited_in_count_with_a_key()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("0", Conv2d(1, 80, 3)), ("1", Conv2d(80, 70, 3)));
        var deep = (global::TorchSharp.Modules.Conv2d)model.named_modules().Single(m => m.name == "1").module;
        using (no_grad())
        {
            // Output channel o, input channel i: a kernel bright in its left column only when o == i.
            deep.weight!.zero_();
            for (int i = 0; i < 8; i++)
            {
                deep.weight[i, i, TensorIndex.Colon, 0].fill_(1);
            }
        }

        using (var watch = TrainWatcher.Attach(model, [optim.SGD(model.parameters(), 0.1)], dir.Path, PictureRun.Options(every: 1)))
        {
            watch.Step();
        }

        using var png = PictureRun.Image(RunReader.Values(dir.Path), "kernels/1", 0);
        var layout = PictureGrids.GrayKernels(new float[8 * 64 * 9], 8, 64, 3, 3);
        // 8 input rows × 64 output columns, tiles of at least 16 pixels, and the key below.
        Assert.Equal(ColorKey.SizeBelow(layout.Width, layout.Height), (png.Width, png.Height));
        Assert.True(layout.Scale * 3 >= 16, $"tiles of {layout.Scale * 3} pixels");
        int s = layout.Scale;
        var (x, y) = layout.TileOrigin((2 * 64) + 2); // input 2, output 2: +1 (the layer's largest) in its left column
        Assert.Equal(ColorMap.Diverging.Map(1f), PictureRun.Pixel(png, x + (s / 2), y + (s / 2)));
        Assert.Equal(ColorMap.Diverging.Map(0.5f), PictureRun.Pixel(png, x + s + (s / 2), y + (s / 2))); // 0: the white midpoint
        (x, y) = layout.TileOrigin((2 * 64) + 3); // input 2, output 3: an all-zero kernel is marked dead
        Assert.Equal(Rgba.Red, PictureRun.Pixel(png, x, y));

        // The key: the diverging map from its lowest colour at the left end of the bar to its highest at the right.
        int barY = layout.Height + 4 + 4;
        Assert.Equal(ColorMap.Diverging.Map(0f), PictureRun.Pixel(png, 4, barY));
        Assert.Equal(ColorMap.Diverging.Map(1f), PictureRun.Pixel(png, 4 + 239, barY));
    }

    [Fact]
    public void A_linear_heatmap_puts_zero_weights_at_the_diverging_midpoint()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("fc", Linear(4, 3)));
        var fc = (global::TorchSharp.Modules.Linear)model.named_modules().Single(m => m.name == "fc").module;
        float[] weights = [0, 1, -1, 0, 0.5f, 0, -0.5f, 0, 0, 0, 0, 2];
        using (no_grad())
        {
            fc.weight!.copy_(tensor(weights).reshape(3, 4));
        }

        using (var watch = TrainWatcher.Attach(model, [optim.SGD(model.parameters(), 0.1)], dir.Path, PictureRun.Options(every: 1)))
        {
            watch.Step();
        }

        using var png = PictureRun.Image(RunReader.Values(dir.Path), "heatmaps/fc.weight", 0);
        var layout = Heatmap.Plan(3, 4);
        Assert.Equal((layout.Width, layout.Height), (png.Width, png.Height));
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                var pixel = PictureRun.Pixel(png, (c * layout.ColumnScale) + (layout.ColumnScale / 2), (r * layout.RowScale) + (layout.RowScale / 2));
                float position = (weights[(r * 4) + c] / 2f / 2f) + 0.5f; // symmetric over max |w| = 2
                Assert.Equal(ColorMap.Diverging.Map(position), pixel);
                if (weights[(r * 4) + c] == 0)
                {
                    Assert.Equal(ColorMap.Diverging.Map(0.5f), pixel);
                }
            }
        }
    }

    [Fact]
    public void The_first_linear_layer_of_an_image_model_is_also_shown_per_unit_in_the_input_shape()
    {
        using var dir = new TempDirectory();
        using var model = Sequential(("flatten", Flatten()), ("fc", Linear(3 * 4 * 4, 5)));
        var fc = (global::TorchSharp.Modules.Linear)model.named_modules().Single(m => m.name == "fc").module;
        using (no_grad())
        {
            // Unit 1 sees only the red plane: a red tile after per-unit min–max normalisation.
            fc.weight!.zero_();
            fc.weight[1, TensorIndex.Slice(0, 16)].fill_(1);
        }

        using (var watch = TrainWatcher.Attach(model, [optim.SGD(model.parameters(), 0.1)], dir.Path, PictureRun.Options(every: 1)))
        {
            watch.SetProbe(randn(2, 3, 4, 4));
            watch.Step();
            Assert.Equal(0, watch.FailedSamples);
        }

        using var png = PictureRun.Image(RunReader.Values(dir.Path), "heatmaps/fc.weight/units", 0);
        var layout = PictureGrids.Units(new float[5 * 3 * 4 * 4], 5, 3, 4, 4);
        Assert.Equal((layout.Width, layout.Height), (png.Width, png.Height));
        var (x, y) = layout.TileOrigin(1);
        Assert.Equal(new Rgba(255, 0, 0), PictureRun.Pixel(png, x + 1, y + 1));
        (x, y) = layout.TileOrigin(0);
        Assert.Equal(Rgba.Red, PictureRun.Pixel(png, x, y)); // unit 0 has only zero weights: dead marker
        int middle = 4 * layout.Scale / 2;
        Assert.Equal(new Rgba(128, 128, 128), PictureRun.Pixel(png, x + middle, y + 1)); // off the X: constant mid-gray
    }
}
