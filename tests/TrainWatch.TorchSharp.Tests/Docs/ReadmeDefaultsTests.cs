using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainWatch.TorchSharp.Tests.Docs;

/// <summary>
/// The README's table of defaults and the alert thresholds in docs/design.md say what the options' code says (issue
/// 24: the README promised saturation alerts at ≥ 80 % while the default was 0.5).
/// </summary>
public sealed class ReadmeDefaultsTests
{
    private static readonly Dictionary<string, object> s_defaults = new(StringComparer.Ordinal)
    {
        ["WatchOptions"] = new WatchOptions(),
        ["PictureOptions"] = new PictureOptions(),
        ["HistoryOptions"] = new HistoryOptions(),
        ["ProjectorOptions"] = new ProjectorOptions(),
        ["AlertOptions"] = new AlertOptions(),
    };

    [Fact]
    public void The_README_stays_a_guide_of_at_most_150_lines()
    {
        // Issue 24: a guide a new user reads in one go; the design notes live in docs/.
        int lines = Readme.Text.TrimEnd('\n').Split('\n').Length;
        Assert.InRange(lines, 60, 150);
    }

    [Fact]
    public void Every_row_of_the_README_defaults_table_is_the_options_default()
    {
        var rows = Readme.TableRows(Readme.Text, "option");
        Assert.True(rows.Count >= 10, $"the README's table of defaults has {rows.Count} rows");
        foreach (var row in rows)
        {
            var name = Regex.Match(row[0], @"^`(\w+)\.(\w+)`$");
            Assert.True(name.Success, $"'{row[0]}' is not `Type.Property`");
            string type = name.Groups[1].Value, property = name.Groups[2].Value;
            Assert.True(s_defaults.TryGetValue(type, out var options), $"the README names {type}, which the test does not know");
            var info = options.GetType().GetProperty(property);
            Assert.True(info is not null, $"{type} has no property {property}");
            Assert.Equal(Text(info.GetValue(options)), row[1].Replace(",", "", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("SaturatedActivation", nameof(AlertOptions.SaturatedFraction))]
    [InlineData("DeadUnits", nameof(AlertOptions.DeadUnitFraction))]
    public void The_design_notes_give_each_fraction_threshold_as_its_default(string kind, string property)
    {
        string row = Assert.Single(Readme.Doc("docs/design.md").Split('\n'), l => l.StartsWith($"| `{kind}` |", StringComparison.Ordinal));
        double fraction = (double)typeof(AlertOptions).GetProperty(property)!.GetValue(new AlertOptions())!;
        var percent = Regex.Match(row, @"≥ (\d+) %");
        Assert.True(percent.Success, row);
        Assert.Equal(fraction * 100, double.Parse(percent.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static string Text(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        null => "null",
        // A feature with settings that is on by default (null would turn it off): the README writes "new()".
        _ when value.GetType().Name.EndsWith("Options", StringComparison.Ordinal) => "new()",
        _ => value.ToString()!,
    };
}
