namespace TrainWatch.Summaries;

/// <summary>Rules for tags and for the run names derived from them.</summary>
public static class SummaryTag
{
    /// <summary>
    /// Checks a tag: it must have text. Control characters are replaced by <c>_</c> because TensorBoard shows tags
    /// in HTML and file names, where they break things silently.
    /// </summary>
    /// <exception cref="ArgumentException">The tag is null, empty or white space.</exception>
    public static string Validate(string tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            throw new ArgumentException("A summary tag must not be empty.", nameof(tag));
        }

        return tag.Any(char.IsControl) ? new string(tag.Select(c => char.IsControl(c) ? '_' : c).ToArray()) : tag;
    }

    /// <summary>
    /// Turns text into a single directory name that cannot escape its parent: separators, <c>..</c>, control and
    /// reserved characters become <c>_</c>.
    /// </summary>
    public static string ToRunName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = text.Select(c => char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c).ToArray();
        string name = new string(chars).Trim();
        if (name.Length == 0 || name.All(c => c == '.'))
        {
            return "_" + name.Replace('.', '_');
        }

        return name.Length > 200 ? name[..200] : name;
    }
}
