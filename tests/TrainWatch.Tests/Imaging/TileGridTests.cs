using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class TileGridTests
{
    private static readonly TileGridOptions s_gray = new() { ColorMap = ColorMap.Grayscale };

    [Fact]
    public void A_ramp_kernel_in_grayscale_runs_black_to_white_with_each_element_an_s_by_s_block()
    {
        float[] kernel = [0, 1, 2, 3, 4, 5, 6, 7, 8];
        const int scale = 4, padding = 2;
        var grid = new TileGrid(kernel, count: 1, channels: 1, height: 3, width: 3, s_gray with { Scale = scale, Padding = padding });

        using var png = new DecodedPng(grid.EncodePng());

        Assert.Equal((padding, padding), grid.TileOrigin(0));
        Assert.Equal(Rgba.Black, png[padding, padding]);
        Assert.Equal(Rgba.White, png[padding + (3 * scale) - 1, padding + (3 * scale) - 1]);
        for (int element = 0; element < 9; element++)
        {
            byte level = (byte)Math.Round(element * 255 / 8.0, MidpointRounding.AwayFromZero);
            int left = padding + (element % 3 * scale), top = padding + (element / 3 * scale);
            for (int dy = 0; dy < scale; dy++)
            {
                for (int dx = 0; dx < scale; dx++)
                {
                    Assert.Equal(new Rgba(level, level, level), png[left + dx, top + dy]);
                }
            }
        }

        Assert.Equal(s_gray.Background, png[0, 0]);
        Assert.Equal(s_gray.Background, png[png.Width - 1, png.Height - 1]);
    }

    [Theory]
    [InlineData(10, 3, 5, null, 3, 2, 4, 3)]
    [InlineData(10, 3, 5, 5, 3, 2, 5, 2)]
    [InlineData(1, 7, 7, null, 1, 0, 1, 1)]
    [InlineData(3, 2, 2, 8, 2, 1, 3, 1)]
    public void Grid_size_is_columns_times_scaled_tile_plus_padding_plus_padding(
        int count, int height, int width, int? columns, int scale, int padding, int expectedColumns, int expectedRows)
    {
        var grid = new TileGrid(new float[count * height * width], count, 1, height, width, new TileGridOptions { Columns = columns, Scale = scale, Padding = padding });

        using var png = new DecodedPng(grid.EncodePng());

        Assert.Equal(expectedColumns, grid.Columns);
        Assert.Equal(expectedRows, grid.Rows);
        Assert.Equal((expectedColumns * ((width * scale) + padding)) + padding, png.Width);
        Assert.Equal((expectedRows * ((height * scale) + padding)) + padding, png.Height);
    }

    [Fact]
    public void Tile_i_is_at_row_i_div_columns_and_column_i_mod_columns()
    {
        var grid = new TileGrid(new float[7 * 4], 7, 1, 2, 2, new TileGridOptions { Scale = 2, Padding = 1 });

        Assert.Equal(3, grid.Columns);
        Assert.Equal((1 + (2 * 5), 1 + (1 * 5)), grid.TileOrigin(5));
    }

    [Fact]
    public void Automatic_scale_makes_small_kernels_visible_within_the_cap()
    {
        var many = new TileGrid(new float[64 * 9], 64, 1, 3, 3);
        var single = new TileGrid(new float[9], 1, 1, 3, 3);

        Assert.InRange(many.Width, 256, 256 + (8 * 3));
        Assert.Equal(16, single.Scale);
        Assert.Equal((3 * 16) + 2, single.Width);
    }

    [Fact]
    public void An_all_zero_tile_gets_the_red_X_and_a_live_tile_does_not()
    {
        float[] values = [.. Enumerable.Range(1, 25).Select(i => (float)i), .. new float[25]];
        var grid = new TileGrid(values, 2, 1, 5, 5, s_gray with { Scale = 3 });

        using var png = new DecodedPng(grid.EncodePng());

        Assert.False(grid.IsDead(0));
        Assert.True(grid.IsDead(1));
        var (x, y) = grid.TileOrigin(1);
        int last = (5 * 3) - 1;
        foreach (var (dx, dy) in new[] { (0, 0), (last, 0), (0, last), (last, last), (last / 2, last / 2) })
        {
            Assert.Equal(Rgba.Red, png[x + dx, y + dy]);
        }

        Assert.Equal(new Rgba(128, 128, 128), png[x + 1, y + last / 2]); // between the strokes the tile itself shows
        var (x0, y0) = grid.TileOrigin(0);
        for (int dy = 0; dy <= last; dy++)
        {
            for (int dx = 0; dx <= last; dx++)
            {
                Assert.NotEqual(Rgba.Red, png[x0 + dx, y0 + dy]);
            }
        }
    }

    [Fact]
    public void Dead_tiles_can_be_flagged_explicitly_or_detection_switched_off()
    {
        var values = new float[2 * 4];
        values[0] = 1f;

        var flagged = new TileGrid(values, 2, 1, 2, 2, new TileGridOptions { DeadTiles = [0], DeadThreshold = null });
        var thresholded = new TileGrid(values, 2, 1, 2, 2, new TileGridOptions { DeadThreshold = 1f });

        Assert.True(flagged.IsDead(0));
        Assert.False(flagged.IsDead(1));
        Assert.True(thresholded.IsDead(0) && thresholded.IsDead(1));
    }

    [Fact]
    public void Three_channel_tiles_are_drawn_as_rgb()
    {
        // One 1×3 tile, planes R, G, B: pixel 0 red, pixel 1 green, pixel 2 blue.
        float[] planes = [5, 0, 0, 0, 5, 0, 0, 0, 5];
        var grid = new TileGrid(planes, 1, 3, 1, 3, new TileGridOptions { Scale = 1, Padding = 0 });

        using var png = new DecodedPng(grid.EncodePng());

        Assert.Equal(new Rgba(255, 0, 0), png[0, 0]);
        Assert.Equal(new Rgba(0, 255, 0), png[1, 0]);
        Assert.Equal(new Rgba(0, 0, 255), png[2, 0]);
    }

    [Fact]
    public void NaN_values_render_in_the_NaN_colour_without_crashing()
    {
        float[] values = [float.NaN, 1f, 2f, float.PositiveInfinity, float.NaN, float.NaN, float.NaN, float.NaN];
        var grid = new TileGrid(values, 2, 1, 2, 2, new TileGridOptions { Scale = 1, Padding = 0, Columns = 2 });

        using var png = new DecodedPng(grid.EncodePng());

        Assert.Equal(Rgba.Magenta, png[0, 0]);
        Assert.Equal(Rgba.Magenta, png[1, 1]);
        Assert.Equal(Rgba.Magenta, png[3, 1]);
        Assert.False(grid.IsDead(1));
    }

    [Fact]
    public void Labels_add_a_strip_above_each_tile_and_draw_text_into_it()
    {
        var options = new TileGridOptions { Scale = 8, Padding = 1, Labels = ["12", "7"], LabelColor = Rgba.White };
        var grid = new TileGrid(new float[2 * 9], 2, 1, 3, 3, options);
        var unlabelled = new TileGrid(new float[2 * 9], 2, 1, 3, 3, options with { Labels = null });

        using var png = new DecodedPng(grid.EncodePng());

        int strip = grid.Height - unlabelled.Height;
        Assert.True(strip >= BitmapFont.Height, $"label strip of {strip} px");
        var (x, y) = grid.TileOrigin(0);
        Assert.Equal(unlabelled.TileOrigin(0).Y + strip, y);
        int inked = 0;
        for (int dy = 1; dy <= strip; dy++)
        {
            for (int dx = 0; dx < 3 * 8; dx++)
            {
                inked += png[x + dx, y - dy] != options.Background ? 1 : 0;
            }
        }

        Assert.True(inked > 5, $"only {inked} label pixels drawn");
    }

    [Fact]
    public void The_built_in_font_draws_known_glyph_pixels()
    {
        var image = new RgbaImage(BitmapFont.Advance * 2, BitmapFont.Height, Rgba.Black);

        BitmapFont.Draw(image, "1l", 0, 0, image.Width, Rgba.White);

        // '1' is 010/110/010/010/111 at 2×2 pixels per font pixel; 'l' is drawn as 'L' (100/100/100/100/111).
        Assert.Equal(Rgba.White, image[2, 0]);
        Assert.Equal(Rgba.Black, image[0, 0]);
        Assert.Equal(Rgba.White, image[0, 2]);
        Assert.Equal(Rgba.White, image[5, 9]);
        Assert.Equal(Rgba.White, image[BitmapFont.Advance, 0]);
        Assert.Equal(Rgba.Black, image[BitmapFont.Advance + 2, 0]);
    }

    [Fact]
    public void Invalid_shapes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TileGrid(new float[8], 2, 2, 1, 2));
        Assert.Throws<ArgumentException>(() => new TileGrid(new float[8], 2, 1, 2, 3));
        Assert.ThrowsAny<ArgumentException>(() => new TileGrid(new float[8], 0, 1, 2, 2));
        Assert.ThrowsAny<ArgumentException>(() => new TileGrid(new float[8], 2, 1, 2, 2, new TileGridOptions { Scale = 0 }));
    }
}
