using System.Text;

namespace TrainWatch.Benchmarks.HeadToHead;

/// <summary>Collects result rows and renders the markdown of docs/benchmarks.md.</summary>
public sealed class ReportTable
{
    private readonly List<string[]> _rows = [];
    private readonly string[] _header;

    public ReportTable(params string[] header) => _header = header;

    public void Add(params string[] cells)
    {
        _rows.Add(cells);
        Console.WriteLine(string.Join(" | ", cells));
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", _header).AppendLine(" |");
        text.Append('|').AppendJoin("|", _header.Select(_ => "---")).AppendLine("|");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return text.ToString();
    }
}
