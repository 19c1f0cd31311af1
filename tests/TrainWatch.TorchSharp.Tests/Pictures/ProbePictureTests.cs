using SkiaSharp;
using TrainWatch.Imaging;
using TrainWatch.TorchSharp.Features.Pictures;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Pictures;

public sealed class ProbePictureTests
{
    [Fact]
    public void An_all_zero_activation_map_gets_the_dead_marker_and_live_maps_do_not()
    {
        using var dir = new TempDirectory();
        manual_seed(3);
        using var model = Sequential(("conv", Conv2d(3, 4, 3, padding: 1)), ("relu", ReLU()), ("flatten", Flatten()), ("fc", Linear(4 * 8 * 8, 3)));
        var conv = (global::TorchSharp.Modules.Conv2d)model.named_modules().Single(m => m.name == "conv").module;
        using (no_grad())
        {
            conv.weight![2].zero_(); // channel 2 is dead: zero weights and bias, so ReLU gives exactly 0
            conv.bias![2].zero_();
            conv.bias[0].fill_(5); // channel 0 positive everywhere: alive
        }

        using (var watch = TrainWatcher.Attach(model, [optim.SGD(model.parameters(), 0.1)], dir.Path, PictureRun.Options(every: 1)))
        {
            watch.SetProbe(randn(2, 3, 8, 8));
            watch.Step();
            Assert.Equal(0, watch.FailedSamples);
        }

        using var png = PictureRun.Image(RunReader.Values(dir.Path), "activation_maps/relu", 0);
        var layout = PictureGrids.ActivationMaps(new float[2 * 4 * 8 * 8], 2, 4, 8, 8);
        Assert.Equal((layout.Width, layout.Height), (png.Width, png.Height)); // 2 probe rows × 4 channel columns
        for (int input = 0; input < 2; input++)
        {
            var (x, y) = layout.TileOrigin((input * 4) + 2);
            int side = 8 * layout.Scale;
            Assert.Equal(Rgba.Red, PictureRun.Pixel(png, x, y));
            Assert.Equal(Rgba.Red, PictureRun.Pixel(png, x + side - 1, y + side - 1));
            Assert.Equal(Rgba.Red, PictureRun.Pixel(png, x + side - 1, y));

            (x, y) = layout.TileOrigin(input * 4);
            Assert.NotEqual(Rgba.Red, PictureRun.Pixel(png, x, y));
        }
    }

    [Fact]
    public void GradCam_heat_lies_on_the_bright_square_the_model_detects()
    {
        // Built by hand so the answer is known: conv 0 passes the image's brightness on, conv 2 (the last conv) averages
        // it over 3×3, and the class-0 score is the mean of that map. Only the bright square raises the score, so the
        // gradient-weighted map of the last conv layer must light up the square and nothing else.
        using var dir = new TempDirectory();
        using var model = Sequential(
            ("0", Conv2d(3, 2, 3, padding: 1)), ("1", ReLU()),
            ("2", Conv2d(2, 1, 3, padding: 1)), ("3", ReLU()),
            ("4", AdaptiveAvgPool2d(1)), ("5", Flatten()), ("6", Linear(1, 2)));
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        using (no_grad())
        {
            var first = (global::TorchSharp.Modules.Conv2d)modules["0"];
            first.weight!.zero_();
            first.weight[0, TensorIndex.Colon, 1, 1].fill_(1f / 3);
            first.weight[1, TensorIndex.Colon, 1, 1].fill_(-1f / 3);
            first.bias!.zero_();
            var last = (global::TorchSharp.Modules.Conv2d)modules["2"];
            last.weight!.zero_();
            last.weight[0, 0].fill_(1f / 9);
            last.bias!.zero_();
            var fc = (global::TorchSharp.Modules.Linear)modules["6"];
            fc.weight!.copy_(tensor(new float[] { 1, -1 }).reshape(2, 1));
            fc.bias!.zero_();
        }

        int[][] squares = [[2, 3], [9, 10]]; // top-left (row, column) of a 4×4 bright square per probe image
        var generator = new Generator(5);
        var probe = rand([2, 3, 16, 16], generator: generator) * 0.1f;
        for (int n = 0; n < 2; n++)
        {
            probe[n, TensorIndex.Colon, TensorIndex.Slice(squares[n][0], squares[n][0] + 4), TensorIndex.Slice(squares[n][1], squares[n][1] + 4)] = tensor(1f);
        }

        var pictures = new PictureOptions { Overlay = OverlayOptions.Default with { Alpha = 1f } }; // pure heat colours
        using (var watch = TrainWatcher.Attach(model, [optim.SGD(model.parameters(), 0.1)], dir.Path, PictureRun.Options(every: 1, pictures)))
        {
            watch.SetProbe(probe);
            watch.Step();
            Assert.Equal(0, watch.FailedSamples);
        }

        var values = RunReader.Values(dir.Path);
        using var gradCam = PictureRun.Image(values, "gradcam/2", 0);
        using var saliency = PictureRun.Image(values, "saliency/input", 0);
        int scale = 128 / 16; // display upscaling of a 16×16 probe
        Assert.Equal((2 * ((16 * scale) + OverlayStrip.Padding)) + OverlayStrip.Padding, gradCam.Width);
        for (int n = 0; n < 2; n++)
        {
            var (inside, outside) = MeanHeat(gradCam, n, squares[n], scale);
            Assert.True(inside > 2 * outside, $"Grad-CAM of probe {n}: mean heat {inside:F1} inside the square, {outside:F1} outside");
            (inside, outside) = MeanHeat(saliency, n, squares[n], scale);
            Assert.True(inside > 0, $"saliency of probe {n}: no heat on the square");
        }
    }

    /// <summary>Mean brightness (R+G+B of the 'hot' map, which rises with heat) inside and outside the square.</summary>
    private static (double Inside, double Outside) MeanHeat(SKBitmap strip, int index, int[] square, int scale)
    {
        var (x0, y0) = OverlayStrip.Origin(index, 16 * scale);
        double inside = 0, outside = 0;
        int insideCount = 0, outsideCount = 0;
        for (int y = 0; y < 16 * scale; y++)
        {
            for (int x = 0; x < 16 * scale; x++)
            {
                var c = strip.GetPixel(x0 + x, y0 + y);
                int heat = c.Red + c.Green + c.Blue;
                bool within = y / scale >= square[0] && y / scale < square[0] + 4 && x / scale >= square[1] && x / scale < square[1] + 4;
                if (within)
                {
                    inside += heat;
                    insideCount++;
                }
                else
                {
                    outside += heat;
                    outsideCount++;
                }
            }
        }

        return (inside / insideCount, outside / outsideCount);
    }
}
