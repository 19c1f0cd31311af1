using TrainWatch.Imaging;
using TrainWatch.RunFormat;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// Fully connected weights as signed heat maps (<c>heatmaps/&lt;layer&gt;.weight</c>: rows are output units, columns
/// inputs; blue negative, white zero, red positive). Matrices larger than the heat map's size limit are average-pooled
/// on the device, so only the cells drawn cross to the host. The first Linear layer of an image model — its
/// <c>in_features</c> equal to C·H·W of the probe input — is also shown per unit, reshaped to the input image
/// (<c>heatmaps/&lt;layer&gt;.weight/units</c>, the first <see cref="PictureOptions.MaxUnits"/> units).
/// </summary>
internal sealed class LinearPictures
{
    private readonly List<(string Parameter, HostSlice Cells, int Rows, int Columns)> _heatmaps = [];
    private (string Parameter, HostSlice Values, int Units, int Channels, int Height, int Width)? _units;

    /// <summary>Pools the weight matrices on the device and queues them for the host copy.</summary>
    public static LinearPictures Prepare(PictureLayers layers, PictureOptions options, long[]? probeShape, PictureTransfer transfer)
    {
        var pictures = new LinearPictures();
        foreach (var (name, linear) in layers.Linears)
        {
            var weight = linear.weight;
            if (weight is null || weight.dim() != 2)
            {
                continue;
            }

            string parameter = $"{name}.weight";
            var layout = Heatmap.Plan((int)weight.shape[0], (int)weight.shape[1], HeatmapOptions.Default);
            var cells = weight.detach();
            if (layout.RowBlock > 1 || layout.ColumnBlock > 1)
            {
                // ceil_mode keeps the partial blocks at the ends and averages them over their real size, as Heatmap does.
                cells = nn.functional.avg_pool2d(cells.unsqueeze(0).unsqueeze(0), [layout.RowBlock, layout.ColumnBlock], ceil_mode: true);
            }

            pictures._heatmaps.Add((parameter, transfer.Add(cells), layout.PooledRows, layout.PooledColumns));
        }

        if (layers.Linears.Count > 0 && probeShape is [_, var channels, var height, var width] && layers.Linears[0].Linear.weight is { } first
            && first.dim() == 2 && first.shape[1] == channels * height * width)
        {
            int units = (int)Math.Min(first.shape[0], options.MaxUnits);
            var images = first.detach().narrow(0, 0, units).reshape(units, channels, height, width);
            if (channels is not (1 or 3))
            {
                images = images.mean([1], keepdim: true); // no colour for 2 or 4+ channels: their average, signed
            }

            pictures._units = ($"{layers.Linears[0].Name}.weight", transfer.Add(images), units, (int)images.shape[1], (int)height, (int)width);
        }

        return pictures;
    }

    /// <summary>Hands the copied cells to the writer, which colours and encodes them on its thread.</summary>
    public void Write(SummaryWriter writer, float[] host, long step)
    {
        foreach (var (parameter, cells, rows, columns) in _heatmaps)
        {
            writer.AddHeatmap(PictureTags.Heatmap(parameter), cells.In(host), rows, columns, step);
        }

        if (_units is { } u)
        {
            writer.AddImageGrid(PictureTags.Units(u.Parameter), PictureGrids.Units(u.Values.In(host), u.Units, u.Channels, u.Height, u.Width), step);
        }
    }
}
