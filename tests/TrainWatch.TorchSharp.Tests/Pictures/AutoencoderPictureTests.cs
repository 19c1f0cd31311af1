using TrainWatch.Imaging;
using TrainWatch.RunFormat;
using TrainWatch.TorchSharp.Features.Pictures;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Pictures;

/// <summary>
/// Issue 24's user: a conv autoencoder (Conv2d ×2, ConvTranspose2d ×2, Sigmoid out, MSE, Adam) trained for fewer steps
/// than the picture interval. The pictures must show the trained model, the decoder too, and the run must stay quiet.
/// </summary>
public sealed class AutoencoderPictureTests
{
    private const int Side = 16;

    [Fact]
    public void The_last_sample_step_has_kernels_maps_and_output_vs_input_for_encoder_and_decoder_and_only_one_line_is_logged()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var model = Autoencoder();
        var optimizer = optim.Adam(model.parameters(), lr: 1e-2);
        using var criterion = MSELoss();
        using var probe = Probe();
        var logger = new ListLogger();
        var options = new WatchOptions { Every = 5, AlertsToConsole = false, Logger = logger }; // default pictures: every 1000 steps
        using (var watch = TrainWatcher.Attach(model, [optimizer], dir.Path, options))
        {
            watch.SetProbe(probe);
            for (int step = 0; step < 12; step++)
            {
                using var scope = NewDisposeScope();
                var x = Batch(step);
                optimizer.zero_grad();
                var loss = criterion.call(model.call(x), x);
                loss.backward();
                watch.Step(loss);
                optimizer.step();
            }

            Assert.Equal(0, watch.FailedSamples);
        }

        // The run logs its start-up line and its alerts, nothing else: saliency and the projector stood down quietly.
        string line = Assert.Single(logger.Messages, m => !m.StartsWith("TrainWatch alert", StringComparison.Ordinal));
        Assert.StartsWith("TrainWatch: writing", line, StringComparison.Ordinal);
        var values = RunReader.Values(dir.Path);
        string Note(string feature) => Assert.Single(values, v => v.Value.Tag == RunTags.FeatureNote(feature)).Value.Tensor.StringVal[0].ToStringUtf8();
        Assert.Contains("not [batch, classes]", Note("saliency"), StringComparison.Ordinal);
        Assert.Contains("no Linear layer", Note("projector"), StringComparison.Ordinal);

        // Samples at 0, 5, 10; pictures at 0 (first sample) and 10 (written at Dispose: the trained model).
        foreach (long step in new long[] { 0, 10 })
        {
            foreach (string layer in new[] { "enc1", "enc2", "dec1", "dec2" })
            {
                Assert.Contains(values, v => v.Step == step && v.Value.Tag == $"kernels/{layer}");
            }

            foreach (string module in new[] { "enc1_act", "enc2_act", "dec1_act", "dec2" })
            {
                Assert.Contains(values, v => v.Step == step && v.Value.Tag == $"activation_maps/{module}");
            }
        }

        Assert.DoesNotContain(values, v => v.Step == 5 && v.Value.Tag.StartsWith("kernels/", StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Value.Tag.StartsWith("saliency/", StringComparison.Ordinal) || v.Value.Tag.StartsWith("gradcam/", StringComparison.Ordinal));

        // dec1's weight is [in 32, out 16, 3, 3]: 8 input rows (the default limit) × 16 output columns.
        using (var kernels = PictureRun.Image(values, "kernels/dec1", 10))
        {
            var layout = PictureGrids.GrayKernels(new float[8 * 16 * 9], 8, 16, 3, 3);
            Assert.Equal(ColorKey.SizeBelow(layout.Width, layout.Height), (kernels.Width, kernels.Height));
        }

        // enc1_act's maps: 2 probe rows × 16 channels, each tile under a strip with its channel number in light text.
        using (var maps = PictureRun.Image(values, "activation_maps/enc1_act", 10))
        {
            var layout = PictureGrids.ActivationMaps(new float[2 * 16 * 8 * 8], 2, 16, 8, 8);
            Assert.Equal((layout.Width, layout.Height), (maps.Width, maps.Height));
            int strip = layout.TileOrigin(0).Y - layout.Options.Padding; // the label strip above each tile
            Assert.True(strip > 0, "no label strip");
            foreach (int tile in new[] { 0, 7, 31 })
            {
                var (x, y) = layout.TileOrigin(tile);
                bool lettered = false;
                for (int dy = 1; dy <= strip && !lettered; dy++)
                {
                    for (int dx = 0; dx < 8 * layout.Scale && !lettered; dx++)
                    {
                        lettered = PictureRun.Pixel(maps, x + dx, y - dy).R > 150;
                    }
                }

                Assert.True(lettered, $"no channel number above tile {tile}");
            }
        }

        // Output vs input at the last step: the input tile is the probe itself (0 → black, 1 → white), the output tile
        // the trained model's output on the same scale.
        using var pairs = PictureRun.Image(values, PictureTags.OutputVsInput, 10);
        var grid = OutputVsInput.Grid(new float[2 * 2 * 3 * Side * Side], 2, Side, Side);
        Assert.Equal((grid.Width, grid.Height), (pairs.Width, pairs.Height));
        float[] expected;
        model.eval();
        using (no_grad())
        {
            expected = model.call(probe).data<float>().ToArray();
        }

        for (int sample = 0; sample < 2; sample++)
        {
            var (ix, iy) = grid.TileOrigin(2 * sample);
            var (ox, oy) = grid.TileOrigin((2 * sample) + 1);
            foreach (var (px, py) in new[] { (2, 3), (12, 8), (5, 14) })
            {
                int offset = (sample * Side * Side) + (py * Side) + px;
                byte input = probe.data<float>()[offset] > 0.5f ? (byte)255 : (byte)0;
                Assert.Equal(new Rgba(input, input, input), PictureRun.Pixel(pairs, ix + (px * grid.Scale), iy + (py * grid.Scale)));
                var shown = PictureRun.Pixel(pairs, ox + (px * grid.Scale), oy + (py * grid.Scale));
                Assert.InRange(shown.R, (int)(expected[offset] * 255) - 1, (int)(expected[offset] * 255) + 1);
                Assert.Equal(shown.R, shown.G);
            }
        }
    }

    /// <summary>The reference autoencoder of issue 24 (/work/repro27), on 16×16 inputs.</summary>
    internal static global::TorchSharp.Modules.Sequential Autoencoder() => Sequential(
        ("enc1", Conv2d(1, 16, 3, stride: 2, padding: 1)), ("enc1_act", ReLU()),
        ("enc2", Conv2d(16, 32, 3, stride: 2, padding: 1)), ("enc2_act", ReLU()),
        ("dec1", ConvTranspose2d(32, 16, 3, stride: 2, padding: 1, output_padding: 1)), ("dec1_act", ReLU()),
        ("dec2", ConvTranspose2d(16, 1, 3, stride: 2, padding: 1, output_padding: 1)), ("out", Sigmoid()));

    /// <summary>Two probe images of 0s and 1s: a left half, and a centred square.</summary>
    private static Tensor Probe()
    {
        var data = new float[2 * Side * Side];
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                data[(y * Side) + x] = x < Side / 2 ? 1 : 0;
                data[(Side * Side) + (y * Side) + x] = x is >= 4 and < 12 && y is >= 4 and < 12 ? 1 : 0;
            }
        }

        return tensor(data, [2, 1, Side, Side]);
    }

    private static Tensor Batch(int step)
    {
        var generator = new Random(step);
        var data = new float[8 * Side * Side];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = generator.NextDouble() < 0.3 ? 1 : 0;
        }

        return tensor(data, [8, 1, Side, Side]);
    }
}
