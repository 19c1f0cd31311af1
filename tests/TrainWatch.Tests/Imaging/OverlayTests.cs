using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class OverlayTests
{
    [Fact]
    public void Alpha_weighs_the_heat_colour_against_the_image()
    {
        byte[] gray = [100, 100, 100];
        float[] hot = [1f];

        var none = Overlay.Blend(gray, 1, 1, hot, 1, 1, new OverlayOptions { Alpha = 0f });
        var full = Overlay.Blend(gray, 1, 1, hot, 1, 1, new OverlayOptions { Alpha = 1f });
        var half = Overlay.Blend(gray, 1, 1, hot, 1, 1, new OverlayOptions { Alpha = 0.5f });

        Assert.Equal(new Rgba(100, 100, 100), none[0, 0]);
        Assert.Equal(Rgba.White, full[0, 0]);
        Assert.Equal(new Rgba(178, 178, 178), half[0, 0]); // (100 + 255) / 2 = 177.5, rounded to even
    }

    [Fact]
    public void The_heat_map_is_resized_to_the_image_and_the_result_decodes_at_image_size()
    {
        var image = new float[6 * 8 * 3];
        float[] heat = [0f, 1f, 1f, 0f];

        using var png = DecodedPng.Of(Overlay.Blend(image, 6, 8, heat, 2, 2, new OverlayOptions { Alpha = 1f, Resampling = HeatResampling.Nearest }));

        Assert.Equal((8, 6), (png.Width, png.Height));
        Assert.Equal(Rgba.Black, png[0, 0]);
        Assert.Equal(Rgba.White, png[7, 0]);
        Assert.Equal(Rgba.White, png[0, 5]);
        Assert.Equal(Rgba.Black, png[7, 5]);
    }

    [Fact]
    public void Bilinear_resizing_interpolates_between_cell_centres()
    {
        float[] resized = Overlay.Resize([0f, 1f], 1, 2, 1, 4, HeatResampling.Bilinear);
        float[] nearest = Overlay.Resize([0f, 1f], 1, 2, 1, 4, HeatResampling.Nearest);

        Assert.Equal([0f, 0.25f, 0.75f, 1f], resized);
        Assert.Equal([0f, 0f, 1f, 1f], nearest);
    }

    [Fact]
    public void Float_and_byte_images_blend_the_same()
    {
        float[] floats = [0f, 0.5f, 1f, 0.2f, 0.4f, 0.6f];
        byte[] bytes = [0, 128, 255, 51, 102, 153];
        float[] heat = [0.3f];

        var a = Overlay.Blend(floats, 1, 2, heat, 1, 1);
        var b = Overlay.Blend(bytes, 1, 2, heat, 1, 1);

        Assert.Equal(b.Pixels.ToArray(), a.Pixels.ToArray());
    }

    [Fact]
    public void NaN_heat_and_image_values_do_not_crash()
    {
        var image = Overlay.Blend([float.NaN, 0f, 0f], 1, 1, [float.NaN], 1, 1, new OverlayOptions { Alpha = 1f });
        Assert.Equal(Rgba.Magenta, image[0, 0]);
    }

    [Fact]
    public void Mismatched_sizes_and_bad_alpha_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Overlay.Blend(new byte[5], 1, 2, [0f], 1, 1));
        Assert.Throws<ArgumentException>(() => Overlay.Blend(new byte[3], 1, 1, [0f, 1f], 1, 1));
        Assert.Throws<ArgumentException>(() => Overlay.Blend(new byte[3], 1, 1, [0f], 1, 1, new OverlayOptions { Alpha = 2f }));
    }
}
