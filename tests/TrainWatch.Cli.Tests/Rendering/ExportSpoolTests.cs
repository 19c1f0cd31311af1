using System.Text;
using TrainWatch.Cli.Rendering;

namespace TrainWatch.Cli.Tests.Rendering;

public class ExportSpoolTests
{
    // Three tags' rows interleaved as a run writes them, step by step.
    private static List<(bool Histogram, string Tag, string Row)> Rows() =>
        [.. Enumerable.Range(0, 50).SelectMany(step => new[] { (false, "loss", $"loss {step};"), (true, "w", $"w {step} ünïcode;"), (true, "b", $"b {step};") })];

    private static Dictionary<(bool, string), string> ReadBack(ExportSpool spool)
    {
        var result = new Dictionary<(bool, string), string>();
        foreach (bool histogram in new[] { false, true })
        {
            foreach (string tag in spool.Tags(histogram))
            {
                using var stream = new MemoryStream();
                spool.CopyTo(histogram, tag, stream);
                result[(histogram, tag)] = Encoding.UTF8.GetString(stream.ToArray());
            }
        }

        return result;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(1L << 20)]
    public void Gives_each_tags_rows_back_in_order_whether_or_not_they_went_to_disk(long memoryBytes)
    {
        using var spool = new ExportSpool(memoryBytes);
        foreach (var (histogram, tag, row) in Rows())
        {
            spool.Append(histogram, tag, Encoding.UTF8.GetBytes(row), ","u8);
        }

        var back = ReadBack(spool);

        Assert.Equal(memoryBytes < 1000, spool.Spilled);
        Assert.Equal(["loss"], spool.Tags(histogram: false));
        Assert.Equal(["b", "w"], spool.Tags(histogram: true));
        foreach (var group in Rows().GroupBy(r => (r.Histogram, r.Tag)))
        {
            Assert.Equal(string.Join(",", group.Select(r => r.Row)), back[group.Key]);
        }
    }

    [Fact]
    public void Many_runs_share_one_memory_budget()
    {
        Assert.Equal(8L << 20, ExportSpool.MemoryBytesFor(1));
        Assert.Equal(8L << 20, ExportSpool.MemoryBytesFor(2));
        Assert.Equal(4L << 20, ExportSpool.MemoryBytesFor(4));
        Assert.Equal(256L << 10, ExportSpool.MemoryBytesFor(1000));
    }

    [Fact]
    public void An_empty_spool_has_no_tags_and_writes_no_file()
    {
        using var spool = new ExportSpool(1);

        Assert.True(spool.IsEmpty);
        Assert.False(spool.Spilled);
        Assert.Empty(spool.Tags(histogram: true));
    }
}
