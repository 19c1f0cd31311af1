using SkiaSharp;
using TrainWatch.Events;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests;

public class SummaryWriterTests
{
    [Fact]
    public void Histogram_from_values_round_trips_with_exact_statistics_and_separate_non_finite_counts()
    {
        using var dir = new TempDirectory();
        float[] values = [0.5f, -1.5f, 2f, float.NaN, 4f, float.NegativeInfinity];
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddHistogram("layer/weight", values, step: 10);
            values[0] = 1000f; // the writer copied the input: changing it afterwards must not matter
        }

        var written = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        var histo = Assert.Single(written, v => v.Value.Tag == "layer/weight").Value.Histo;
        Assert.Equal((-1.5, 4.0, 4.0, 5.0, 0.25 + 2.25 + 4 + 16), (histo.Min, histo.Max, histo.Num, histo.Sum, histo.SumSquares));
        Assert.Equal(histo.Num, histo.Bucket.Sum());
        Assert.Equal(1f, Assert.Single(written, v => v.Value.Tag == "layer/weight/nan_count").Value.SimpleValue);
        Assert.Equal(1f, Assert.Single(written, v => v.Value.Tag == "layer/weight/neg_inf_count").Value.SimpleValue);
        Assert.DoesNotContain(written, v => v.Value.Tag == "layer/weight/pos_inf_count");
        Assert.All(written, v => Assert.Equal(10, v.Step));
    }

    [Fact]
    public void Empty_histograms_write_nothing_and_do_not_throw()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddHistogram("empty", ReadOnlySpan<float>.Empty, 1);
            writer.AddHistogram("empty", ReadOnlySpan<double>.Empty, 1);
        }

        Assert.Empty(EventFiles.Values(EventFiles.ReadIntact(dir.Path)));
    }

    [Fact]
    public void Precomputed_buckets_are_written_as_given()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddHistogram("grad", new HistogramData([-1, 0, 1], [3, 4], -0.9, 0.8, 0.5, 2.25), 7);
        }

        var histo = Assert.Single(EventFiles.Values(EventFiles.ReadIntact(dir.Path))).Value.Histo;
        Assert.Equal([0.0, 1.0], histo.BucketLimit);
        Assert.Equal([3.0, 4.0], histo.Bucket);
        Assert.Equal((-0.9, 0.8, 7.0, 0.5, 2.25), (histo.Min, histo.Max, histo.Num, histo.Sum, histo.SumSquares));
    }

    [Fact]
    public void AddScalars_writes_one_sub_run_per_series_under_the_main_tag()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalars("loss/compare", new Dictionary<string, double> { ["train"] = 0.5, ["val"] = 0.75 }, 3);
            writer.AddScalars("loss/compare", new Dictionary<string, double> { ["train"] = 0.25, ["val"] = 0.5 }, 4);
        }

        var train = EventFiles.Values(EventFiles.ReadIntact(dir.Combine("loss_compare_train")));
        var val = EventFiles.Values(EventFiles.ReadIntact(dir.Combine("loss_compare_val")));
        Assert.Equal([(3L, "loss/compare", 0.5f), (4L, "loss/compare", 0.25f)], train.Select(v => (v.Step, v.Value.Tag, v.Value.SimpleValue)));
        Assert.Equal([0.75f, 0.5f], val.Select(v => v.Value.SimpleValue));
    }

    [Fact]
    public void Series_names_never_become_paths_outside_the_log_directory()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Combine("run")))
        {
            writer.AddScalars("m", new Dictionary<string, double> { ["../../escape"] = 1, ["a/b\\c"] = 2, [".."] = 3 }, 1);
        }

        var runDir = dir.Combine("run");
        var all = Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories);
        Assert.All(all, f => Assert.StartsWith(runDir + Path.DirectorySeparatorChar, f));
        Assert.Equal(3, Directory.GetDirectories(runDir).Length);
    }

    [Fact]
    public void Raw_pixels_are_encoded_to_a_png_that_decodes_to_the_same_pixels()
    {
        using var dir = new TempDirectory();
        const int width = 4, height = 3;
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++)
        {
            rgb[i * 3] = (byte)(i * 20);
            rgb[i * 3 + 1] = (byte)(255 - i * 20);
            rgb[i * 3 + 2] = 77;
        }

        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddImage("pic", rgb, width, height, PixelFormat.Rgb24, 2);
        }

        var image = Assert.Single(EventFiles.Values(EventFiles.ReadIntact(dir.Path))).Value.Image;
        Assert.Equal((width, height), (image.Width, image.Height));
        using var bitmap = SKBitmap.Decode(image.EncodedImageString.ToByteArray());
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        for (int i = 0; i < width * height; i++)
        {
            var c = bitmap.GetPixel(i % width, i / width);
            Assert.Equal((rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], (byte)255), (c.Red, c.Green, c.Blue, c.Alpha));
        }
    }

    [Fact]
    public void Png_bytes_are_stored_as_given_with_size_read_from_the_header()
    {
        using var dir = new TempDirectory();
        byte[] png = PngEncoder.Encode(new byte[5 * 7], 5, 7, PixelFormat.Gray8);
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddImage("gray", png, 1);
            Assert.Throws<ArgumentException>(() => writer.AddImage("bad", new byte[] { 1, 2, 3 }, 1));
            Assert.Throws<ArgumentException>(() => writer.AddImage("bad", new byte[5], 2, 2, PixelFormat.Gray8, 1));
        }

        var image = Assert.Single(EventFiles.Values(EventFiles.ReadIntact(dir.Path))).Value.Image;
        Assert.Equal((5, 7, 1), (image.Width, image.Height, image.Colorspace));
        Assert.Equal(png, image.EncodedImageString.ToByteArray());
    }

    [Fact]
    public void Text_is_a_string_tensor_for_the_text_plugin()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddText("notes", "**bold** ünïcode", 5);
        }

        var value = Assert.Single(EventFiles.Values(EventFiles.ReadIntact(dir.Path))).Value;
        Assert.Equal("text", value.Metadata.PluginData.PluginName);
        Assert.Equal(DataType.DtString, value.Tensor.Dtype);
        Assert.Equal([1L], value.Tensor.TensorShape.Dim.Select(d => d.Size));
        Assert.Equal("**bold** ünïcode", Assert.Single(value.Tensor.StringVal).ToStringUtf8());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_tags_are_a_clear_argument_error(string tag)
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        var error = Assert.Throws<ArgumentException>(() => writer.AddScalar(tag, 1, 1));
        Assert.Contains("tag", error.Message);
    }

    [Fact]
    public void Control_characters_in_tags_are_replaced()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalar("a\nb\u0007c", 1, 1);
        }

        Assert.Equal("a_b_c", Assert.Single(EventFiles.Values(EventFiles.ReadIntact(dir.Path))).Value.Tag);
    }

    [Fact]
    public async Task Async_flush_and_dispose_write_everything()
    {
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path, new EventWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        writer.AddScalar("x", 1, 1);
        await writer.FlushAsync();
        Assert.Single(EventFiles.Values(EventFiles.ReadIntact(dir.Path)));
        writer.AddScalar("x", 2, 2);
        await writer.DisposeAsync();
        Assert.Equal(2, EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Count);
    }
}
