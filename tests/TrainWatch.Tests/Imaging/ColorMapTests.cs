using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class ColorMapTests
{
    [Fact]
    public void Viridis_endpoints_and_middle_match_matplotlib()
    {
        ColorAssert.Near(Rgba.FromHex(0x440154), ColorMap.Viridis.Map(0f), tolerance: 2);
        ColorAssert.Near(Rgba.FromHex(0xFDE725), ColorMap.Viridis.Map(1f), tolerance: 2);

        // matplotlib's _viridis_data[128] = (0.127568, 0.566949, 0.550556) ≈ #21918C; [64] = (0.229739, 0.322361, 0.545706) ≈ #3B528B.
        ColorAssert.Near(Rgba.FromHex(0x21918C), ColorMap.Viridis[128], tolerance: 3);
        ColorAssert.Near(Rgba.FromHex(0x3B528B), ColorMap.Viridis[64], tolerance: 3);
    }

    [Fact]
    public void Diverging_map_puts_zero_after_symmetric_normalisation_on_exact_white()
    {
        float[] values = [-3f, 0f, 1.5f, 3f];
        var normalised = new float[4];
        Normalization.Symmetric(values, normalised);

        Assert.Equal(0.5f, normalised[1]);
        Assert.Equal(Rgba.White, ColorMap.Diverging.Map(normalised[1]));
        Assert.Equal(Rgba.White, ColorMap.Diverging.Map(0.5f));
        var negative = ColorMap.Diverging.Map(normalised[0]);
        var positive = ColorMap.Diverging.Map(normalised[3]);
        Assert.True(negative.B > negative.R, $"negative end should be blue, was {negative}");
        Assert.True(positive.R > positive.B, $"positive end should be red, was {positive}");
    }

    [Fact]
    public void Grayscale_entry_i_is_gray_level_i_and_hot_runs_black_to_white()
    {
        for (int i = 0; i < ColorMap.TableSize; i++)
        {
            Assert.Equal(new Rgba((byte)i, (byte)i, (byte)i), ColorMap.Grayscale[i]);
        }

        Assert.Equal(Rgba.Black, ColorMap.Hot.Map(0f));
        Assert.Equal(Rgba.White, ColorMap.Hot.Map(1f));
        var warm = ColorMap.Hot.Map(0.365f);
        Assert.True(warm.R > 250 && warm.G < 5 && warm.B < 5, $"'hot' at 0.365 should be red, was {warm}");
    }

    [Fact]
    public void Bulk_mapping_equals_single_mapping_and_flags_non_finite_values()
    {
        float[] values = [0f, 0.25f, 0.5f, 1f, -2f, 7f, float.NaN, float.PositiveInfinity];
        var rgba = new byte[values.Length * 4];

        ColorMap.Viridis.MapInto(values, rgba);

        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(ColorMap.Viridis.Map(values[i]), new Rgba(rgba[i * 4], rgba[(i * 4) + 1], rgba[(i * 4) + 2], rgba[(i * 4) + 3]));
        }

        Assert.Equal(ColorMap.Viridis.Map(0f), ColorMap.Viridis.Map(-2f));
        Assert.Equal(ColorMap.Viridis.Map(1f), ColorMap.Viridis.Map(7f));
        Assert.Equal(Rgba.Magenta, ColorMap.Viridis.Map(float.NaN));
        Assert.Equal(Rgba.Black, ColorMap.Viridis.WithNaNColor(Rgba.Black).Map(float.NaN));
    }

    [Fact]
    public void Bulk_mapping_rejects_a_buffer_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => ColorMap.Grayscale.MapInto(new float[3], new byte[11]));
    }

    [Fact]
    public void Anchors_must_span_zero_to_one_in_increasing_order()
    {
        Assert.Throws<ArgumentException>(() => ColorMap.FromAnchors("bad", [(0f, Rgba.Black)]));
        Assert.Throws<ArgumentException>(() => ColorMap.FromAnchors("bad", [(0f, Rgba.Black), (0.9f, Rgba.White)]));
        Assert.Throws<ArgumentException>(() => ColorMap.FromAnchors("bad", [(0f, Rgba.Black), (0.5f, Rgba.Red), (0.5f, Rgba.Red), (1f, Rgba.White)]));
    }
}
