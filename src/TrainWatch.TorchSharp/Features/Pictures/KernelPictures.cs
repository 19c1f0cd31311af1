using TrainWatch.Imaging;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// Conv kernel grids and their smoothness scores. The first conv layer, when it takes 3 input channels, is shown as one
/// RGB tile per filter (the first <see cref="PictureOptions.MaxKernelOutputChannels"/>); every other conv layer as
/// grayscale tiles, one grid row per input channel (the first <see cref="PictureOptions.MaxKernelInputChannels"/>),
/// one column per output channel. <c>kernel_smoothness/&lt;layer&gt;</c> is <see cref="FilterSmoothness"/> over the
/// kernels shown.
/// </summary>
internal sealed class KernelPictures
{
    private readonly List<Grid> _grids = [];

    private sealed record Grid(string Layer, HostSlice Values, bool Rgb, int Inputs, int Outputs, int Height, int Width);

    /// <summary>Selects the kernels to show on the device and queues them for the host copy.</summary>
    public static KernelPictures Prepare(PictureLayers layers, PictureOptions options, PictureTransfer transfer)
    {
        var pictures = new KernelPictures();
        for (int i = 0; i < layers.Convs.Count; i++)
        {
            var layer = layers.Convs[i];
            var weight = layer.Weight;
            if (weight is null || weight.dim() != 4)
            {
                continue;
            }

            string name = layer.Name;
            if (layer.Transposed)
            {
                // ConvTranspose2d keeps its weight as [in, out/groups, kh, kw]: already one grid row per input channel.
                int rows = (int)Math.Min(weight.shape[0], options.MaxKernelInputChannels);
                int columns = (int)Math.Min(weight.shape[1], options.MaxKernelOutputChannels);
                var kernels = weight.detach().narrow(0, 0, rows).narrow(1, 0, columns);
                pictures._grids.Add(new Grid(name, transfer.Add(kernels), false, rows, columns, (int)weight.shape[2], (int)weight.shape[3]));
                continue;
            }

            int outputs = (int)Math.Min(weight.shape[0], options.MaxKernelOutputChannels);
            int inputs = (int)weight.shape[1];
            int height = (int)weight.shape[2], width = (int)weight.shape[3];
            if (i == 0 && inputs == 3)
            {
                var rgb = weight.detach().narrow(0, 0, outputs);
                pictures._grids.Add(new Grid(name, transfer.Add(rgb), true, 3, outputs, height, width));
            }
            else
            {
                inputs = Math.Min(inputs, options.MaxKernelInputChannels);
                // [out, in, kh, kw] → [in, out, kh, kw]: one grid row per input channel.
                var gray = weight.detach().narrow(0, 0, outputs).narrow(1, 0, inputs).permute(1, 0, 2, 3);
                pictures._grids.Add(new Grid(name, transfer.Add(gray), false, inputs, outputs, height, width));
            }
        }

        return pictures;
    }

    // Drawn with its key in a deferred builder (run where the writer builds): the grid and the key's bound are all
    // it needs.
    private static void AddSignedGrid(SummaryWriter writer, string tag, TileGrid tiles, float bound, long step)
    {
        string checkedTag = SummaryTag.Validate(tag);
        var (width, height) = ColorKey.SizeBelow(tiles.Width, tiles.Height);
        writer.AddDeferred(
            step,
            () => ImageSummary.Build(checkedTag, ColorKey.Below(tiles.Render(), ColorMap.Diverging, ColorKey.Signed(bound, '-'), "0", ColorKey.Signed(bound, '+'), tiles.Options.Background).EncodePng()),
            4L * width * height);
    }

    /// <summary>Hands the copied kernels to the writer: grids rendered on its thread, smoothness scored here (small).</summary>
    public void Write(SummaryWriter writer, float[] host, long step)
    {
        foreach (var grid in _grids)
        {
            ReadOnlySpan<float> values = grid.Values.In(host);
            if (grid.Rgb)
            {
                writer.AddImageGrid(PictureTags.Kernels(grid.Layer), PictureGrids.RgbKernels(values, grid.Outputs, grid.Height, grid.Width), step);
            }
            else
            {
                AddSignedGrid(writer, PictureTags.Kernels(grid.Layer), PictureGrids.GrayKernels(values, grid.Inputs, grid.Outputs, grid.Height, grid.Width), PictureGrids.LargestMagnitude(values), step);
            }

            double smoothness = FilterSmoothness.Score(values, grid.Inputs * grid.Outputs, grid.Height, grid.Width);
            writer.AddScalar(PictureTags.KernelSmoothness(grid.Layer), smoothness, step);
        }
    }
}
