using System.Runtime.CompilerServices;
using System.Text;

namespace TrainWatch.Summaries;

/// <summary>Rules for tags and for the run names derived from them.</summary>
public static class SummaryTag
{
    /// <summary>The longest tag written, in UTF-16 code units; longer tags are shortened (see <see cref="Validate"/>).</summary>
    public const int MaxLength = 1024;

    // Enough hex digits of a hash that two long tags sharing a prefix stay apart.
    private const int HashLength = 16;

    /// <summary>
    /// Checks a tag and makes it safe to write. It must have text. Control characters become <c>_</c>, because
    /// TensorBoard shows tags in HTML and file names, where they break things silently; unpaired surrogates become
    /// U+FFFD, because they have no UTF-8 form; a tag longer than <see cref="MaxLength"/> keeps its beginning and
    /// ends in <c>~</c> and a hash of the whole tag, so distinct long tags stay distinct and the same tag always maps
    /// to the same name. Tags are only ever names inside the event file: <c>/</c> groups charts, <c>..</c> is text.
    /// </summary>
    /// <exception cref="ArgumentException">The tag is null, empty or white space.</exception>
    // On every scalar's path: compiled fully optimised from the first call (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Validate(string tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            throw new ArgumentException("A summary tag must not be empty.", nameof(tag));
        }

        if (tag.Length <= MaxLength && !NeedsCleaning(tag))
        {
            return tag;
        }

        string cleaned = Clean(tag);
        if (cleaned.Length <= MaxLength)
        {
            return cleaned;
        }

        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(cleaned)), 0, HashLength / 2);
        return string.Concat(Prefix(cleaned, MaxLength - HashLength - 1), "~", hash);
    }

    /// <summary>
    /// Turns text into a single directory name that cannot escape its parent: separators, <c>..</c>, control and
    /// reserved characters become <c>_</c>.
    /// </summary>
    public static string ToRunName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = Clean(text).Select(c => c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c).ToArray();
        string name = new string(chars).Trim();
        if (name.Length == 0 || name.All(c => c == '.'))
        {
            return "_" + name.Replace('.', '_');
        }

        return Prefix(name, 200);
    }

    // At most the first `length` characters, never ending halfway through a surrogate pair.
    private static string Prefix(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];

    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NeedsCleaning(string text)
    {
        // Printable ASCII, what nearly every tag is, needs no cleaning: one vectorised scan finds the first character
        // that is not, instead of two character-class tests for each (a tenth of a watcher's summary encoding).
        int first = text.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (first < 0)
        {
            return false;
        }

        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsControl(c))
            {
                return true;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsSurrogatePair(text, i))
                {
                    return true;
                }

                i++;
            }
        }

        return false;
    }

    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsControl(c))
            {
                builder.Append('_');
            }
            else if (char.IsSurrogate(c))
            {
                if (char.IsSurrogatePair(text, i))
                {
                    builder.Append(c).Append(text[++i]);
                }
                else
                {
                    builder.Append('\uFFFD');
                }
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
