using TrainWatch.Imaging;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Imaging;

public class SummaryWriterImageExtensionsTests
{
    [Fact]
    public void Grids_heatmaps_and_images_are_written_as_decodable_pngs()
    {
        using var dir = new TempDirectory();
        var grid = new TileGrid(new float[4 * 9], 4, 1, 3, 3, new TileGridOptions { Scale = 2 });
        float[] matrix = [-1f, 1f];
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddImageGrid("conv1/kernels", grid, step: 3);
            writer.AddHeatmap("fc/weight", matrix, 1, 2, step: 4);
            matrix[0] = 1f; // the writer copied the values: changing them now must not change the picture
            writer.AddImage("overlay", Overlay.Blend(new byte[12], 2, 2, [1f], 1, 1), step: 5);
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));

        Assert.Equal(["conv1/kernels", "fc/weight", "overlay"], values.Select(v => v.Value.Tag));
        Assert.Equal([3L, 4L, 5L], values.Select(v => v.Step));
        using var gridPng = new DecodedPng(values[0].Value.Image.EncodedImageString.ToByteArray());
        Assert.Equal((grid.Width, grid.Height), (gridPng.Width, gridPng.Height));
        Assert.Equal((grid.Width, grid.Height), (values[0].Value.Image.Width, values[0].Value.Image.Height));
        using var heatPng = new DecodedPng(values[1].Value.Image.EncodedImageString.ToByteArray());
        Assert.Equal(ColorMap.Diverging.Map(0f), heatPng[0, 0]);
        Assert.Equal((2, 2), (values[2].Value.Image.Width, values[2].Value.Image.Height));
    }

    [Fact]
    public void Bad_arguments_fail_on_the_callers_thread()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);

        Assert.Throws<ArgumentException>(() => writer.AddHeatmap("w", new float[3], 2, 2, step: 0));
        Assert.Throws<ArgumentException>(() => writer.AddImageGrid(" ", new TileGrid(new float[1], 1, 1, 1, 1), step: 0));
    }
}
