using System.Text;
using System.Text.RegularExpressions;

namespace TrainWatch.Cli.Reading;

/// <summary>
/// A tag filter: comma-separated glob patterns where <c>*</c> matches any run of characters (slashes included) and
/// <c>?</c> one character. A tag is kept when any pattern matches the whole tag. Case-sensitive, like tags.
/// </summary>
internal sealed class TagGlob
{
    private readonly Regex? _regex;

    private TagGlob(string? patterns, Regex? regex)
    {
        Patterns = patterns;
        _regex = regex;
    }

    /// <summary>Matches every tag.</summary>
    public static TagGlob All { get; } = new(null, null);

    /// <summary>The patterns as given, or null for all tags.</summary>
    public string? Patterns { get; }

    /// <summary>Parses <paramref name="patterns"/>; null or blank means all tags.</summary>
    public static TagGlob Parse(string? patterns)
    {
        if (string.IsNullOrWhiteSpace(patterns))
        {
            return All;
        }

        var alternatives = patterns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ToRegex);
        return new TagGlob(patterns, new Regex($"^(?:{string.Join('|', alternatives)})$", RegexOptions.CultureInvariant | RegexOptions.Compiled));
    }

    /// <summary>Whether <paramref name="tag"/> is kept.</summary>
    public bool Matches(string tag) => _regex is null || _regex.IsMatch(tag);

    private static string ToRegex(string glob)
    {
        var pattern = new StringBuilder();
        foreach (char c in glob)
        {
            pattern.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return pattern.ToString();
    }
}
