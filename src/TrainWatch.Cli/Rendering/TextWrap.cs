using System.Text;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// Breaks text into lines of a given width at word boundaries. A word longer than a line (a long tag or path) breaks
/// after a separator it contains ('/', '.', '_', '-', ','), and only when it has none, mid-word.
/// </summary>
internal static class TextWrap
{
    private static readonly char[] s_separators = ['/', '.', '_', '-', ',', '|'];

    /// <summary>
    /// <paramref name="text"/> in lines of at most <paramref name="width"/> characters; lines after the first start with
    /// <paramref name="indent"/> (a hanging indent, so a wrapped sentence stays visibly one item). Line breaks in the text are kept.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, int width, string indent = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        width = Math.Max(1, width);
        if (indent.Length >= width)
        {
            indent = string.Empty;
        }

        var lines = new List<string>();
        foreach (string paragraph in text.ReplaceLineEndings("\n").Split('\n'))
        {
            WrapParagraph(paragraph, width, lines.Count == 0 ? string.Empty : indent, indent, lines);
        }

        return lines;
    }

    /// <summary>The longest piece <see cref="Wrap"/> cannot break without cutting a word (the narrowest sensible width).</summary>
    public static int LongestUnbreakable(string text)
    {
        int longest = 0;
        foreach (string word in text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            int start = 0;
            for (int i = 0; i < word.Length; i++)
            {
                if (Array.IndexOf(s_separators, word[i]) >= 0)
                {
                    longest = Math.Max(longest, i + 1 - start);
                    start = i + 1;
                }
            }

            longest = Math.Max(longest, word.Length - start);
        }

        return longest;
    }

    private static void WrapParagraph(string paragraph, int width, string firstIndent, string indent, List<string> lines)
    {
        var line = new StringBuilder(firstIndent);
        int lineStart = line.Length; // where this line's own text starts (after the indent)
        foreach (string word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string rest = word;
            while (rest.Length > 0)
            {
                int room = width - line.Length - (line.Length > lineStart ? 1 : 0);
                if (rest.Length <= room)
                {
                    if (line.Length > lineStart)
                    {
                        line.Append(' ');
                    }

                    line.Append(rest);
                    break;
                }

                // A word that would fit on a line of its own starts a new line; a longer one fills this line up to a separator.
                int fresh = width - indent.Length;
                if (line.Length > lineStart && rest.Length <= fresh)
                {
                    lines.Add(line.ToString());
                    line.Clear().Append(indent);
                    lineStart = line.Length;
                    continue;
                }

                int cut = BreakBefore(rest, room);
                if (cut == 0 && line.Length > lineStart)
                {
                    lines.Add(line.ToString());
                    line.Clear().Append(indent);
                    lineStart = line.Length;
                    continue;
                }

                cut = cut == 0 ? Math.Max(1, room) : cut;
                if (line.Length > lineStart)
                {
                    line.Append(' ');
                }

                line.Append(rest, 0, cut);
                rest = rest[cut..];
                lines.Add(line.ToString());
                line.Clear().Append(indent);
                lineStart = line.Length;
            }
        }

        if (line.Length > lineStart || lines.Count == 0 || paragraph.Length == 0)
        {
            lines.Add(line.ToString().TrimEnd());
        }
    }

    // The longest prefix of word, at most room long, that ends just after a separator; 0 when there is none.
    private static int BreakBefore(string word, int room)
    {
        for (int i = Math.Min(room, word.Length - 1); i > 0; i--)
        {
            if (Array.IndexOf(s_separators, word[i - 1]) >= 0)
            {
                return i;
            }
        }

        return 0;
    }
}
