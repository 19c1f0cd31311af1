using TrainWatch.Cli.Rendering;

namespace TrainWatch.Cli.Tests.Rendering;

public class TextTableTests
{
    private static TextTable Ranked() => new TextTable(
            new TextColumn("#", RightAligned: true),
            new TextColumn("tag", Wraps: true),
            new TextColumn("norm onset", RightAligned: true),
            new TextColumn("steps", RightAligned: true, DropOrder: 1),
            new TextColumn("exploding", Wraps: true))
        .AddRow("1", "grads/encoder.blocks.0.weight", "420", "51", "B ×1.1E+04 over 500..1000")
        .AddRow("2", "weights/head.bias", "-", "51", "-");

    [Fact]
    public void A_table_that_fits_is_laid_out_at_its_natural_width_with_numbers_right_aligned()
    {
        var table = Ranked();

        var lines = table.Render(200);

        Assert.Equal(4, lines.Count);
        Assert.Empty(table.Dropped);
        int end = lines[0].IndexOf("norm onset", StringComparison.Ordinal) + "norm onset".Length;
        Assert.Equal("420", lines[2][(end - 3)..end]);
        Assert.Equal("  -", lines[3][(end - 3)..end]);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(53)]
    public void Narrower_headings_wrap_and_other_columns_give_way_before_the_tag_does(int width)
    {
        var table = Ranked();

        var lines = table.Render(width);

        Assert.All(lines, l => Assert.True(l.Length <= width, $"'{l}' is over {width}"));
        Assert.Contains(lines, l => l.Contains("grads/encoder.blocks.0.weight", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimEnd().EndsWith("norm", StringComparison.Ordinal)
            || l.Contains(" norm ", StringComparison.Ordinal)); // "norm onset" over two lines
    }

    [Fact]
    public void When_even_wrapping_is_not_enough_droppable_columns_go_and_are_named()
    {
        var table = Ranked();

        var lines = table.Render(46);

        Assert.Equal(["steps"], table.Dropped);
        Assert.All(lines, l => Assert.True(l.Length <= 46, $"'{l}' is over 46"));
        Assert.DoesNotContain(lines, l => l.Contains("steps", StringComparison.Ordinal));
    }
}
