using TrainWatch.Cli.Rendering;

namespace TrainWatch.Cli.Tests.Rendering;

public class TextWrapTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(33)]
    [InlineData(80)]
    public void Prose_wraps_at_spaces_into_lines_that_fit_and_keeps_every_word_whole(int width)
    {
        const string text = "ROOT CAUSE: run B's learning rate 'train/lr' differs from run A's from step 400 (×5); the first layer to diverge after it is 'enc2.bias' at step 420.";

        var lines = TextWrap.Wrap(text, width, "  ");

        Assert.All(lines, l => Assert.True(l.Length <= width, $"'{l}' is over {width}"));
        Assert.Equal(text.Split(' '), lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.All(lines.Skip(1), l => Assert.StartsWith("  ", l));
    }

    [Fact]
    public void A_word_longer_than_the_line_breaks_after_its_separators()
    {
        var lines = TextWrap.Wrap("grads/encoder.blocks.0.weight", 14);

        Assert.Equal(["grads/encoder.", "blocks.0.", "weight"], lines);
    }

    [Fact]
    public void A_word_without_separators_is_cut_only_when_it_cannot_fit_a_line()
    {
        var lines = TextWrap.Wrap("ab abcdefghij", 6);

        Assert.Equal(["ab", "abcdef", "ghij"], lines);
    }
}
