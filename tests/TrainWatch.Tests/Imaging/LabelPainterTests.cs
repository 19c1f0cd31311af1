using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class LabelPainterTests
{
    public static TheoryData<bool> Fonts() => LabelPainter.UsesSystemFont ? new TheoryData<bool> { true, false } : new TheoryData<bool> { false };

    [Theory]
    [MemberData(nameof(Fonts))]
    public void Labels_are_inked_inside_their_box_and_clipped_to_it(bool systemFont)
    {
        var image = new RgbaImage(40, 30, Rgba.Black);
        int height = LabelPainter.LineHeight(systemFont);

        LabelPainter.Draw(image, [new LabelBox("W123456789", 5, 10, 12, height)], Rgba.White, systemFont);

        int inside = 0, outside = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                bool inBox = x >= 5 && x < 17 && y >= 10 && y < 10 + height;
                int inked = image[x, y] != Rgba.Black ? 1 : 0;
                inside += inBox ? inked : 0;
                outside += inBox ? 0 : inked;
            }
        }

        Assert.True(inside > 5, $"only {inside} pixels inked");
        Assert.Equal(0, outside);
    }
}
