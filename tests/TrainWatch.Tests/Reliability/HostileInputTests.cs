using TrainWatch.Events;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Reliability;

/// <summary>
/// Every public entry of the core writer fed what real programs feed it by mistake. Each input has a defined
/// behaviour — written as given, sanitised, counted, or refused with a clear <see cref="ArgumentException"/> before
/// anything is queued — and none of them may stop the writer or damage the file.
/// </summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Very_long_tags_are_shortened_deterministically_and_stay_distinct()
    {
        string prefix = new('a', 5_000);
        string first = SummaryTag.Validate(prefix + "first");
        string second = SummaryTag.Validate(prefix + "second");

        Assert.Equal(SummaryTag.MaxLength, first.Length);
        Assert.Equal(SummaryTag.MaxLength, second.Length);
        Assert.NotEqual(first, second);
        Assert.Equal(first, SummaryTag.Validate(prefix + "first"));
        Assert.StartsWith(new string('a', 1_000), first, StringComparison.Ordinal);

        // A surrogate pair straddling the cut is kept whole or dropped whole, never split.
        string emoji = SummaryTag.Validate(new string('a', SummaryTag.MaxLength - 18) + "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂");
        Assert.False(HasUnpairedSurrogate(emoji));
    }

    [Fact]
    public void Unicode_tags_and_separators_are_written_exactly_as_given()
    {
        using var dir = new TempDirectory();
        string[] tags = ["损失/训练", "🙂 loss", "e\u0301t\u00e9", "خسارة/تدريب", "../../etc/passwd", "a//b/", "./."];
        using (var writer = new SummaryWriter(dir.Path))
        {
            for (int i = 0; i < tags.Length; i++)
            {
                writer.AddScalar(tags[i], i, step: 0);
            }
        }

        Assert.Equal(tags, EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Select(v => v.Value.Tag));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Control_characters_and_unpaired_surrogates_in_tags_are_replaced()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalar("bell\u0007\nloss", 1, step: 0);
            writer.AddScalar("half\uD800pair", 2, step: 0);
            writer.AddText("note\uDC00", "text with \uD800 a lone surrogate", step: 0);
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal(["bell__loss", "half\uFFFDpair", "note\uFFFD"], values.Select(v => v.Value.Tag));
        Assert.Equal("text with \uFFFD a lone surrogate", values[2].Value.Tensor.StringVal[0].ToStringUtf8());
    }

    [Theory]
    [InlineData(0x7f, '_')] // DEL, just past printable ASCII
    [InlineData(0x85, '_')] // a C1 control
    [InlineData(0x1f, '_')] // just before the space
    [InlineData(0xDBFF, '\uFFFD')] // an unpaired surrogate (as a char: an attribute cannot hold one in a string)
    [InlineData(0xE9, '\u00e9')] // not ASCII, but nothing to clean
    public void A_character_to_clean_is_found_after_a_long_printable_prefix_and_at_either_end(int code, char cleaned)
    {
        // Printable ASCII is passed over by one vectorised scan: what follows it, wherever it starts, is still checked.
        string odd = ((char)code).ToString();
        string prefix = new('p', 45); // longer than any vector of chars
        foreach (var (tag, expected) in new[] { (prefix + odd + "~", prefix + cleaned + "~"), (odd + prefix, cleaned + prefix), (prefix + odd, prefix + cleaned) })
        {
            Assert.Equal(expected, SummaryTag.Validate(tag));
        }

        Assert.Same(prefix, SummaryTag.Validate(prefix));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t")]
    public void Empty_tags_are_refused_by_every_method_before_anything_is_queued(string? tag)
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);

        Assert.Throws<ArgumentException>(() => writer.AddScalar(tag!, 1, 0));
        Assert.Throws<ArgumentException>(() => writer.AddScalars(tag!, [new("a", 1)], 0));
        Assert.Throws<ArgumentException>(() => writer.AddHistogram(tag!, new float[] { 1 }, 0));
        Assert.Throws<ArgumentException>(() => writer.AddImage(tag!, new byte[4], 1, 1, PixelFormat.Rgba32, 0));
        Assert.Throws<ArgumentException>(() => writer.AddText(tag!, "x", 0));
        writer.Flush();
        Assert.Equal(0, writer.Statistics.EventsWritten); // the file-version record is not counted
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Steps_that_repeat_or_go_backwards_are_written_as_given_counted_and_reported_once()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        long[] steps = [0, 1, 2, 1, 1, 3, -5];
        var writer = new SummaryWriter(dir.Path, new EventWriterOptions { Logger = logger });
        foreach (long step in steps)
        {
            writer.AddScalar("loss", step, step);
        }

        foreach (long _ in steps)
        {
            writer.AddScalar("lr", 0.1, steps.Length); // the same step every time
        }

        writer.Dispose();

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal(steps, values.Where(v => v.Value.Tag == "loss").Select(v => v.Step));
        Assert.Equal(3 + (steps.Length - 1), writer.Statistics.StepsOutOfOrder);
        Assert.Single(logger.Messages, m => m.Contains("went back from step 2 to 1", StringComparison.Ordinal) && m.Contains("'loss'", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_finite_and_extreme_values_are_written_as_given_and_histograms_stay_finite()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalar("nan", double.NaN, 0);
            writer.AddScalar("inf", double.NegativeInfinity, 0);
            writer.AddScalar("too_big_for_float", 1e300, 0);
            writer.AddHistogram("extreme", new[] { double.MaxValue, -double.MaxValue, double.Epsilon, double.NaN }, 0);
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path)).ToDictionary(v => v.Value.Tag, v => v.Value);
        Assert.True(float.IsNaN(values["nan"].SimpleValue));
        Assert.Equal(float.NegativeInfinity, values["inf"].SimpleValue);
        Assert.Equal(float.PositiveInfinity, values["too_big_for_float"].SimpleValue); // float32 is TensorBoard's scalar
        var histogram = values["extreme"].Histo;
        Assert.Equal(3, histogram.Num);
        Assert.Equal(double.MaxValue, histogram.Max);
        Assert.Equal(-double.MaxValue, histogram.Min);
        Assert.Equal(1, values["extreme/nan_count"].SimpleValue);
    }

    [Fact]
    public void A_histogram_larger_than_the_queue_byte_bound_is_taken_when_the_queue_is_empty()
    {
        using var dir = new TempDirectory();
        var values = new float[1 << 20]; // 4 MiB against a 1 MiB bound
        values[^1] = 1;
        using (var writer = new SummaryWriter(dir.Path, new EventWriterOptions { MaxQueuedBytes = 1 << 20 }))
        {
            writer.AddHistogram("big", values, 0);
            writer.Flush();
            Assert.Equal(0, writer.Statistics.EventsDropped);
        }

        var histogram = EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Single().Value.Histo;
        Assert.Equal(values.Length, histogram.Num);
        Assert.Equal(values.Length - 1, histogram.BucketLimit.Zip(histogram.Bucket).Where(b => b.First >= 0 && b.First < 1e-11).Sum(b => b.Second));
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(-3, 1, 0)]
    [InlineData(65_536, 65_536, 16)]
    [InlineData(2, 2, 15)]
    public void Impossible_image_sizes_are_refused_with_a_clear_error_and_nothing_is_written(int width, int height, int length)
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);

        var error = Assert.Throws<ArgumentException>(() => writer.AddImage("img", new byte[length], width, height, PixelFormat.Rgba32, 0));
        Assert.Contains($"{width}x{height}", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => writer.AddImage("png", new byte[] { 1, 2, 3 }, 0));
        writer.Flush();
        Assert.Equal(0, writer.Statistics.EventsWritten);
    }

    [Fact]
    public void Heatmaps_of_non_finite_values_are_drawn_and_mismatched_sizes_are_refused()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddHeatmap("all_nan", Enumerable.Repeat(float.NaN, 12).ToArray(), 3, 4, 0);
            writer.AddHeatmap("mixed", [float.PositiveInfinity, -1, 0, 1, float.NaN, float.NegativeInfinity], 2, 3, 0);
            Assert.Throws<ArgumentException>(() => writer.AddHeatmap("mismatch", new float[5], 2, 3, 0));
            Assert.ThrowsAny<ArgumentException>(() => writer.AddHeatmap("negative", new float[6], -2, -3, 0));
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal(["all_nan", "mixed"], values.Select(v => v.Value.Tag));
        Assert.All(values, v => Assert.NotNull(SkiaSharp.SKBitmap.Decode(v.Value.Image.EncodedImageString.ToByteArray())));
    }

    [Fact]
    public async Task Logging_after_dispose_is_counted_as_dropped_creates_nothing_and_never_throws()
    {
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path, new EventWriterOptions { Logger = new ListLogger() });
        writer.AddScalar("before", 1, 0);
        writer.Dispose();
        long length = new FileInfo(writer.FilePath).Length;

        writer.AddScalar("after", 1, 1);
        writer.AddScalars("series", [new("a", 1), new("b", 2)], 1);
        writer.AddHistogram("after", new float[] { 1, 2 }, 1);
        writer.AddImage("after", new byte[4], 1, 1, PixelFormat.Rgba32, 1);
        writer.AddText("after", "x", 1);
        writer.Flush();
        await writer.FlushAsync();
        writer.Dispose();
        await writer.DisposeAsync();

        Assert.Equal(6, writer.Statistics.EventsDropped);
        Assert.Equal(length, new FileInfo(writer.FilePath).Length);
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_caller_built_summary_with_an_unpaired_surrogate_is_written_with_a_replacement_character()
    {
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path);
        writer.AddScalar("before", 1, 0);
        writer.AddSummary(new Summary { Value = { new Summary.Types.Value { Tag = "lone\uD800", SimpleValue = 1 } } }, 1);
        writer.AddScalar("after", 2, 2);
        writer.Dispose();

        // AddSummary bypasses tag checks; protobuf's UTF-8 encoder replaces what has no UTF-8 form.
        var tags = EventFiles.Values(EventFiles.ReadIntact(dir.Path)).Select(v => v.Value.Tag).ToList();
        Assert.Equal(["before", "lone\uFFFD", "after"], tags);
        Assert.Equal(0, writer.Statistics.EventsLost);
    }

    private static bool HasUnpairedSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
