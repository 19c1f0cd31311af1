using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class SpriteSheetTests
{
    [Fact]
    public void Thumbnail_i_lands_at_row_i_div_columns_and_column_i_mod_columns()
    {
        const int count = 5, height = 2, width = 3;
        var thumbnails = new byte[count * height * width * 3];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < height * width; p++)
            {
                int offset = (((i * height * width) + p) * 3);
                thumbnails[offset] = (byte)(40 * (i + 1));
                thumbnails[offset + 1] = (byte)p;
                thumbnails[offset + 2] = 7;
            }
        }

        var sprite = SpriteSheet.Build(thumbnails, count, height, width);
        using var png = new DecodedPng(sprite.EncodePng());

        Assert.Equal(3, sprite.Columns);
        Assert.Equal((height, width), (sprite.SingleImageHeight, sprite.SingleImageWidth));
        Assert.Equal((3 * width, 3 * height), (png.Width, png.Height));
        for (int i = 0; i < count; i++)
        {
            int left = i % 3 * width, top = i / 3 * height;
            for (int p = 0; p < height * width; p++)
            {
                Assert.Equal(new Rgba((byte)(40 * (i + 1)), (byte)p, 7), png[left + (p % width), top + (p / width)]);
            }
        }

        Assert.Equal(Rgba.Black, png[2 * width, 1 * height]); // cell 5 is unused
    }

    [Fact]
    public void A_sprite_larger_than_the_projector_accepts_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => SpriteSheet.Build(new byte[1000 * 300 * 3], 1000, 300, 1)); // 32 rows of 300 px
        Assert.Throws<ArgumentException>(() => SpriteSheet.Build(new byte[100 * 1000 * 3], 100, 1000, 1)); // 10 rows of 1000 px
        Assert.Equal(8192, SpriteSheet.Build(new byte[64 * 1024 * 3], 64, 1024, 1).Image.Height);
    }
}
