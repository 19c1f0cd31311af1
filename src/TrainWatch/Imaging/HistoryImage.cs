using System.Globalization;
using TrainWatch.Distributions;

namespace TrainWatch.Imaging;

/// <summary>
/// Draws a <see cref="BucketHistory"/> as a picture (fastai's "colorful dimension"): x = sampled step, y = bucket,
/// colour = log(1 + count per step) on viridis, scaled to the largest count in the picture. An empty bucket stays
/// black, so what is drawn and what was counted can be told apart pixel by pixel. A strip above the plot turns magenta
/// in columns with NaN or ±∞ values. Labels use the built-in bitmap font, so the picture is the same on every machine.
/// </summary>
public static class HistoryImage
{
    /// <summary>The colour of an empty bucket.</summary>
    public static Rgba Background => Rgba.Black;

    private const int PlotPixelsWide = 400;
    private const int PlotPixelsHigh = 200;
    private const int LabelCharacters = 5;
    private static readonly Rgba LabelColour = new(200, 200, 200);
    private static readonly Rgba EmptyNonFinite = new(40, 40, 40);

    /// <summary>The layout of a picture of <paramref name="buckets"/> buckets with room for <paramref name="maxColumns"/> columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static HistoryImageLayout Plan(int buckets, int maxColumns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColumns, 1);
        int columnWidth = Math.Clamp(PlotPixelsWide / maxColumns, 1, 8);
        int rowHeight = Math.Clamp(PlotPixelsHigh / buckets, 1, 8);
        int plotLeft = (LabelCharacters * BitmapFont.Advance) + 6;
        const int nonFiniteTop = 2;
        int nonFiniteHeight = Math.Max(rowHeight, 4);
        int plotTop = nonFiniteTop + nonFiniteHeight + 3;
        int width = plotLeft + (maxColumns * columnWidth) + 4;
        int height = plotTop + (buckets * rowHeight) + BitmapFont.Height + 6;

        // Room for the step labels even when the plot is narrow.
        width = Math.Max(width, plotLeft + (14 * BitmapFont.Advance));
        return new HistoryImageLayout(buckets, maxColumns, columnWidth, rowHeight, plotLeft, nonFiniteTop, nonFiniteHeight, plotTop, width, height);
    }

    /// <summary>Draws <paramref name="history"/> with value labels <paramref name="labels"/> (left out where they would overlap).</summary>
    public static RgbaImage Render(BucketHistory history, IReadOnlyList<HistoryAxisLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(labels);
        var layout = Plan(history.Buckets, history.MaxColumns);
        var image = new RgbaImage(layout.Width, layout.Height, Background);
        var columns = history.Columns;
        double largest = 0;
        foreach (var column in columns)
        {
            for (int b = 0; b < history.Buckets; b++)
            {
                largest = Math.Max(largest, column.MeanCount(b));
            }
        }

        double scale = largest > 0 ? 1 / Math.Log(1 + largest) : 0;
        for (int c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            int x = layout.ColumnX(c);
            for (int b = 0; b < history.Buckets; b++)
            {
                double count = column.MeanCount(b);
                if (count > 0)
                {
                    var colour = ColorMap.Viridis.Map((float)(Math.Log(1 + count) * scale));
                    image.FillRectangle(x, layout.BucketY(b), layout.ColumnWidth, layout.RowHeight, colour);
                }
            }

            image.FillRectangle(x, layout.NonFiniteTop, layout.ColumnWidth, layout.NonFiniteHeight, column.NonFinite > 0 ? Rgba.Magenta : EmptyNonFinite);
        }

        DrawValueLabels(image, layout, labels);
        DrawStepLabels(image, layout, columns);
        return image;
    }

    private static void DrawValueLabels(RgbaImage image, HistoryImageLayout layout, IReadOnlyList<HistoryAxisLabel> labels)
    {
        int maxWidth = layout.PlotLeft - 4;
        int textY = layout.NonFiniteTop + ((layout.NonFiniteHeight - BitmapFont.Height) / 2);
        BitmapFont.Draw(image, "NAN", layout.PlotLeft - 4 - (3 * BitmapFont.Advance), Math.Max(0, textY), maxWidth, LabelColour);
        var taken = new List<int> { textY };
        foreach (var label in labels)
        {
            int y = layout.PlotTop + (int)Math.Round((layout.Buckets - label.Position) * layout.RowHeight);
            int top = y - (BitmapFont.Height / 2);
            if (taken.Any(t => Math.Abs(t - top) < BitmapFont.Height + 2) || top < 0 || top + BitmapFont.Height > layout.Height)
            {
                continue;
            }

            taken.Add(top);
            int textWidth = Math.Min(label.Text.Length, LabelCharacters) * BitmapFont.Advance;
            BitmapFont.Draw(image, label.Text, layout.PlotLeft - 4 - textWidth, top, maxWidth, LabelColour);
            image.FillRectangle(layout.PlotLeft - 3, y, 2, 1, LabelColour);
        }
    }

    private static void DrawStepLabels(RgbaImage image, HistoryImageLayout layout, IReadOnlyList<HistoryColumn> columns)
    {
        if (columns.Count == 0)
        {
            return;
        }

        int y = layout.PlotBottom + 4;
        string first = columns[0].FirstStep.ToString(CultureInfo.InvariantCulture);
        BitmapFont.Draw(image, first, layout.PlotLeft, y, layout.Width - layout.PlotLeft, LabelColour);
        if (columns[^1].LastStep == columns[0].FirstStep)
        {
            return;
        }

        // The last step under the end of the last column, never over the first label.
        string last = columns[^1].LastStep.ToString(CultureInfo.InvariantCulture);
        int lastWidth = last.Length * BitmapFont.Advance;
        int firstEnd = layout.PlotLeft + ((first.Length + 1) * BitmapFont.Advance);
        int x = Math.Max(firstEnd, layout.ColumnX(columns.Count) - lastWidth);
        x = Math.Min(x, layout.Width - lastWidth);
        if (x >= firstEnd)
        {
            BitmapFont.Draw(image, last, x, y, lastWidth, LabelColour);
        }
    }
}
