using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainWatch.Tests.Tabs;

/// <summary>
/// Reads a projector run back independently of the writer: a small parser for the text-format config (the subset the
/// projector uses) and the TSV files.
/// </summary>
public static partial class ProjectorFiles
{
    public sealed record Embedding(string TensorName, string TensorPath, string? MetadataPath, uint[] TensorShape, string? SpritePath, uint[] SingleImageDim);

    public static IReadOnlyList<Embedding> ParseConfig(string text)
    {
        var embeddings = new List<Embedding>();
        foreach (Match block in EmbeddingBlock().Matches(text))
        {
            string body = block.Groups[1].Value;
            string? Field(string name) => Regex.Match(body, $@"(?m)^\s*{name}: ""((?:[^""\\]|\\.)*)""") is { Success: true } m ? Unescape(m.Groups[1].Value) : null;
            uint[] Numbers(string name) => Regex.Matches(body, $@"(?m)^\s*{name}: (\d+)").Select(m => uint.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
            embeddings.Add(new Embedding(Field("tensor_name")!, Field("tensor_path")!, Field("metadata_path"), Numbers("tensor_shape"), Field("image_path"), Numbers("single_image_dim")));
        }

        return embeddings;
    }

    public static float[][] ReadTensor(string path) =>
        File.ReadAllLines(path).Select(line => line.Split('\t').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    public static (string[]? Header, string[][] Rows) ReadMetadata(string path, int columns)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Split('\t')).ToArray();
        return columns > 1 ? (lines[0], lines[1..]) : (null, lines);
    }

    private static string Unescape(string value) =>
        Regex.Replace(value, @"\\([0-7]{3}|.)", m => m.Groups[1].Value.Length == 3 ? ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString() : m.Groups[1].Value);

    [GeneratedRegex(@"(?s)embeddings \{\n(.*?)\n\}\n")]
    private static partial Regex EmbeddingBlock();
}
