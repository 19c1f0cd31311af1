namespace TrainWatch.Imaging;

/// <summary>
/// A built-in 3×5 pixel font for tile labels, used when no system font is available (minimal containers have none),
/// so labels always render and look the same everywhere. Upper-case letters, digits and the punctuation of parameter
/// names; lower case is drawn as upper case, anything else as '?'.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 3;
    public const int GlyphHeight = 5;

    /// <summary>Each font pixel is drawn as a Scale×Scale block: 3×5 pixels are too small to read on a screen.</summary>
    public const int Scale = 2;

    /// <summary>Horizontal distance between the starts of two glyphs, in image pixels.</summary>
    public const int Advance = (GlyphWidth + 1) * Scale;

    /// <summary>Height of a drawn glyph, in image pixels.</summary>
    public const int Height = GlyphHeight * Scale;

    // Rows top to bottom, '1' = ink. Kept as text so the glyphs can be read and fixed by eye.
    private static readonly Dictionary<char, string> s_glyphs = new()
    {
        ['0'] = "111101101101111", ['1'] = "010110010010111", ['2'] = "111001111100111", ['3'] = "111001111001111",
        ['4'] = "101101111001001", ['5'] = "111100111001111", ['6'] = "111100111101111", ['7'] = "111001001001001",
        ['8'] = "111101111101111", ['9'] = "111101111001111",
        ['A'] = "010101111101101", ['B'] = "110101110101110", ['C'] = "011100100100011", ['D'] = "110101101101110",
        ['E'] = "111100110100111", ['F'] = "111100110100100", ['G'] = "011100101101011", ['H'] = "101101111101101",
        ['I'] = "111010010010111", ['J'] = "001001001101010", ['K'] = "101101110101101", ['L'] = "100100100100111",
        ['M'] = "101111111101101", ['N'] = "110101101101101", ['O'] = "010101101101010", ['P'] = "110101110100100",
        ['Q'] = "010101101110011", ['R'] = "110101110101101", ['S'] = "011100010001110", ['T'] = "111010010010010",
        ['U'] = "101101101101111", ['V'] = "101101101101010", ['W'] = "101101111111101", ['X'] = "101101010101101",
        ['Y'] = "101101010010010", ['Z'] = "111001010100111",
        ['.'] = "000000000000010", ['-'] = "000000111000000", ['_'] = "000000000000111", [':'] = "000010000010000",
        ['/'] = "001001010100100", ['['] = "110100100100110", [']'] = "011001001001011", ['('] = "010100100100010",
        [')'] = "010001001001010", ['='] = "000111000111000", ['+'] = "000010111010000", ['#'] = "101111101111101",
        [' '] = "000000000000000", ['?'] = "111001011000010",
    };

    /// <summary>Whether <paramref name="c"/> has a glyph of its own (after upper-casing).</summary>
    public static bool HasGlyph(char c) => s_glyphs.ContainsKey(char.ToUpperInvariant(c));

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>); glyphs
    /// that would cross <paramref name="maxWidth"/> are left out.
    /// </summary>
    public static void Draw(RgbaImage image, string text, int x, int y, int maxWidth, Rgba colour)
    {
        int fitting = Math.Min(text.Length, (maxWidth + Scale) / Advance);
        for (int i = 0; i < fitting; i++)
        {
            string glyph = s_glyphs.GetValueOrDefault(char.ToUpperInvariant(text[i])) ?? s_glyphs['?'];
            for (int bit = 0; bit < glyph.Length; bit++)
            {
                if (glyph[bit] == '1')
                {
                    int left = x + (i * Advance) + (bit % GlyphWidth * Scale);
                    int top = y + (bit / GlyphWidth * Scale);
                    image.FillRectangle(left, top, Scale, Scale, colour);
                }
            }
        }
    }
}
