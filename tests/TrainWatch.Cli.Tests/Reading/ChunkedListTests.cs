using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Tests.Reading;

public class ChunkedListTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(1024)]
    [InlineData(3000)]
    public void Holds_every_item_in_order_across_chunk_boundaries(int count)
    {
        var list = new ChunkedList<long>();
        for (int i = 0; i < count; i++)
        {
            list.Add(i * 7L);
        }

        Assert.Equal(count, list.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i * 7L), list);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i * 7L), Enumerable.Range(0, count).Select(i => list[i]));
        Assert.Throws<ArgumentOutOfRangeException>(() => list[count]);
    }
}
