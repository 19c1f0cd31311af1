using System.Text.RegularExpressions;

namespace TrainWatch.TorchSharp.Tests.Docs;

/// <summary>The repository's README and docs, found from the test's output folder, and the blocks and tables in them.</summary>
internal static partial class Readme
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Text => File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));

    public static string Doc(string relativePath) => File.ReadAllText(Path.Combine(RepositoryRoot, relativePath));

    /// <summary>The fenced code blocks of <paramref name="language"/> in <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<string> CodeBlocks(string markdown, string language) =>
        FencedBlock().Matches(markdown).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value).ToList();

    /// <summary>The rows of every Markdown table whose header starts with <paramref name="firstHeader"/>, cells trimmed.</summary>
    public static IReadOnlyList<string[]> TableRows(string markdown, string firstHeader)
    {
        var rows = new List<string[]>();
        bool inTable = false;
        foreach (string line in markdown.Split('\n'))
        {
            if (!line.StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            string[] cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells[0] == firstHeader)
            {
                inTable = true;
            }
            else if (inTable && !cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                rows.Add(cells);
            }
        }

        return rows;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "TrainWatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (README.md and TrainWatch.sln) above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^```(\w*)\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedBlock();
}
