using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class HeatmapTests
{
    [Fact]
    public void A_huge_matrix_is_pooled_to_within_the_size_limit_and_keeps_its_signs()
    {
        const int n = 5000;
        var matrix = new float[n * n];
        for (int r = 0; r < n; r++)
        {
            matrix.AsSpan(r * n, n / 2).Fill(-1f);
            matrix.AsSpan((r * n) + (n / 2), n / 2).Fill(1f);
        }

        var image = Heatmap.Render(matrix, n, n);
        using var png = DecodedPng.Of(image);

        Assert.InRange(png.Width, 256, 1024);
        Assert.InRange(png.Height, 256, 1024);
        Assert.Equal(ColorMap.Diverging.Map(0f), png[0, 0]);
        Assert.Equal(ColorMap.Diverging.Map(1f), png[png.Width - 1, png.Height - 1]);
    }

    [Fact]
    public void A_small_matrix_is_upscaled_with_zero_white_and_the_extremes_at_the_map_ends()
    {
        float[] matrix = [-1f, 0f, 1f, 2f, -2f, 0f];

        var layout = Heatmap.Plan(2, 3);
        using var png = DecodedPng.Of(Heatmap.Render(matrix, 2, 3));

        Assert.Equal((128, 86), (layout.RowScale, layout.ColumnScale));
        Assert.Equal((3 * 86, 2 * 128), (png.Width, png.Height));
        Assert.Equal(Rgba.White, png[86 + 40, 60]);
        Assert.Equal(Rgba.FromHex(0x67001F), png[10, 200]);
        Assert.Equal(Rgba.FromHex(0x053061), png[86 + 85, 128]);
    }

    [Fact]
    public void Average_pooling_averages_whole_and_partial_blocks()
    {
        float[] matrix =
        [
            1, 2, 3,
            3, 4, 5,
            10, 20, 30,
        ];

        float[] pooled = Heatmap.AveragePool(matrix, 3, 3, 2, 2);

        Assert.Equal([2.5f, 4f, 15f, 30f], pooled);
    }

    [Fact]
    public void A_long_thin_matrix_is_pooled_only_along_its_long_side()
    {
        var layout = Heatmap.Plan(128, 9216);

        Assert.Equal((1, 9), (layout.RowBlock, layout.ColumnBlock));
        Assert.Equal((256, 1024), (layout.Height, layout.Width));
    }

    [Fact]
    public void NaN_survives_pooling_as_the_NaN_colour_without_crashing()
    {
        var matrix = new float[3000 * 10];
        matrix[0] = float.NaN;

        using var png = DecodedPng.Of(Heatmap.Render(matrix, 3000, 10));

        Assert.Equal(Rgba.Magenta, png[0, 0]);
        Assert.Equal(Rgba.White, png[png.Width - 1, png.Height - 1]);
    }

    [Fact]
    public void A_size_mismatch_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Heatmap.Render(new float[5], 2, 3));
        Assert.ThrowsAny<ArgumentException>(() => Heatmap.Plan(2, 3, new HeatmapOptions { MaxSize = 0 }));
    }
}
