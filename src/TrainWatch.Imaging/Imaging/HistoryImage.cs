using System.Globalization;
using TrainWatch.Distributions;

namespace TrainWatch.Imaging;

/// <summary>
/// Draws a <see cref="BucketHistory"/> as a picture (fastai's "colorful dimension"): x = sampled step, y = bucket,
/// colour = log(1 + count per step) on viridis, scaled to the largest count in the picture. An empty bucket stays
/// black, so what is drawn and what was counted can be told apart pixel by pixel. A strip above the plot turns magenta
/// in columns with NaN or ±∞ values. The columns so far fill the plot's whole width (the steps stay linear in x: every
/// column covers as many steps as the others), and a colour bar on the right gives the count per step that the
/// brightest colour stands for. Labels use the built-in bitmap font, so the picture is the same on every machine.
/// </summary>
public static class HistoryImage
{
    /// <summary>The colour of an empty bucket.</summary>
    public static Rgba Background => Rgba.Black;

    private const int PlotPixelsWide = 400;
    private const int PlotPixelsHigh = 200;
    private const int LabelCharacters = 5;
    private const int ColourBarWidth = 8;
    private const int ColourBarCharacters = 5;
    private static readonly Rgba s_labelColour = new(200, 200, 200);
    private static readonly Rgba s_emptyNonFinite = new(40, 40, 40);

    /// <summary>
    /// The layout of a picture of <paramref name="buckets"/> buckets with room for <paramref name="maxColumns"/> columns,
    /// of which <paramref name="columns"/> (all, when null) are drawn across the whole plot width.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static HistoryImageLayout Plan(int buckets, int maxColumns, int? columns = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColumns, 1);
        int shown = Math.Clamp(columns ?? maxColumns, 1, maxColumns);
        int plotWidth = maxColumns * Math.Clamp(PlotPixelsWide / maxColumns, 1, 8);
        int rowHeight = Math.Clamp(PlotPixelsHigh / buckets, 1, 8);
        int plotLeft = (LabelCharacters * BitmapFont.Advance) + 6;
        int nonFiniteHeight = Math.Max(rowHeight, 4);

        // The "NAN" label is centred on the strip and must not leave the picture at its top; the highest value label,
        // centred on the plot's top edge, needs a label's height of room below the "NAN" label.
        int nonFiniteTop = Math.Max(2, ((BitmapFont.Height - nonFiniteHeight) / 2) + 2);
        int plotTop = nonFiniteTop + nonFiniteHeight + (BitmapFont.Height / 2) + 7;
        int colourBarLeft = plotLeft + plotWidth + 6;
        int width = colourBarLeft + ColourBarWidth + 4 + (ColourBarCharacters * BitmapFont.Advance);
        int height = plotTop + (buckets * rowHeight) + BitmapFont.Height + 6;

        // Room for the step labels even when the plot is narrow.
        width = Math.Max(width, plotLeft + (14 * BitmapFont.Advance));
        return new HistoryImageLayout(buckets, maxColumns, shown, plotWidth, rowHeight, plotLeft, nonFiniteTop, nonFiniteHeight, plotTop, colourBarLeft, ColourBarWidth, width, height);
    }

    /// <summary>Draws <paramref name="history"/> with value labels <paramref name="labels"/> (left out where they would overlap).</summary>
    public static RgbaImage Render(BucketHistory history, IReadOnlyList<HistoryAxisLabel> labels) =>
        Render(history, labels, reuse: null);

    /// <summary>As <see cref="Render(BucketHistory, IReadOnlyList{HistoryAxisLabel})"/>, drawn into <paramref name="reuse"/> when it is large enough.</summary>
    /// <remarks>The image then shares that buffer: encode it before the buffer is drawn into again.</remarks>
    internal static RgbaImage Render(BucketHistory history, IReadOnlyList<HistoryAxisLabel> labels, byte[]? reuse)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(labels);
        var layout = Plan(history.Buckets, history.MaxColumns, history.Columns.Count);
        var image = new RgbaImage(layout.Width, layout.Height, Background, reuse);
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
                    image.FillRectangle(x, layout.BucketY(b), layout.ColumnX(c + 1) - x, layout.RowHeight, colour);
                }
            }

            image.FillRectangle(x, layout.NonFiniteTop, layout.ColumnX(c + 1) - x, layout.NonFiniteHeight, column.NonFinite > 0 ? Rgba.Magenta : s_emptyNonFinite);
        }

        DrawColourBar(image, layout, largest);
        DrawValueLabels(image, layout, labels);
        DrawStepLabels(image, layout, columns);
        return image;
    }

    /// <summary>
    /// The key to the colours: viridis from 0 (bottom) to the largest count per step (top), labelled with that count,
    /// so two pictures' colours can be compared by their numbers.
    /// </summary>
    private static void DrawColourBar(RgbaImage image, HistoryImageLayout layout, double largest)
    {
        int height = layout.PlotBottom - layout.PlotTop;
        for (int y = 0; y < height; y++)
        {
            float t = height == 1 ? 1f : 1f - (y / (float)(height - 1));
            image.FillRectangle(layout.ColourBarLeft, layout.PlotTop + y, layout.ColourBarWidth, 1, ColorMap.Viridis.Map(t));
        }

        int textX = layout.ColourBarLeft + layout.ColourBarWidth + 3;
        int maxWidth = layout.Width - textX;
        BitmapFont.Draw(image, CountText(largest), textX, layout.PlotTop, maxWidth, s_labelColour);
        BitmapFont.Draw(image, "0", textX, layout.PlotBottom - BitmapFont.Height, maxWidth, s_labelColour);
    }

    /// <summary>A count per step in at most five characters: 7, 130, 2500, 1.2E5.</summary>
    private static string CountText(double count) =>
        count < 99_999.5
            ? Math.Round(count).ToString(CultureInfo.InvariantCulture)
            : count.ToString("0.0E0", CultureInfo.InvariantCulture);

    private static void DrawValueLabels(RgbaImage image, HistoryImageLayout layout, IReadOnlyList<HistoryAxisLabel> labels)
    {
        int maxWidth = layout.PlotLeft - 4;
        int textY = layout.NonFiniteTop + ((layout.NonFiniteHeight - BitmapFont.Height) / 2);
        BitmapFont.Draw(image, "NAN", layout.PlotLeft - 4 - (3 * BitmapFont.Advance), Math.Max(0, textY), maxWidth, s_labelColour);
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
            BitmapFont.Draw(image, label.Text, layout.PlotLeft - 4 - textWidth, top, maxWidth, s_labelColour);
            image.FillRectangle(layout.PlotLeft - 3, y, 2, 1, s_labelColour);
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
        BitmapFont.Draw(image, first, layout.PlotLeft, y, layout.Width - layout.PlotLeft, s_labelColour);
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
            BitmapFont.Draw(image, last, x, y, lastWidth, s_labelColour);
        }
    }
}
