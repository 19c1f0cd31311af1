using TrainWatch.Events;

namespace TrainWatch.Tests.Events;

public class EncodedSummaryBuffersTests
{
    [Fact]
    public void An_array_given_back_is_rented_again_while_long_enough_and_replaced_when_too_short()
    {
        var buffers = new EncodedSummaryBuffers();
        var first = buffers.Rent(1000);
        Assert.True(first.Length >= 1000);
        buffers.Return(first);
        Assert.Same(first, buffers.Rent(900)); // a step's summary a little smaller than the last: the same array

        buffers.Return(first);
        var larger = buffers.Rent(first.Length + 1); // a summary that outgrew it: a new array, the short one let go
        Assert.NotSame(first, larger);
        Assert.True(larger.Length > first.Length);
        buffers.Return(larger);
        Assert.Same(larger, buffers.Rent(10));
    }

    [Theory]
    [InlineData(1_000, 64)] // small summaries: as many as there are slots
    [InlineData(300_000, 5)] // large ones: as many as the byte budget holds (5 × 375,000 ≤ 2 MiB < 6 × 375,000)
    public void Only_so_many_are_kept_however_many_come_back(int length, int kept)
    {
        var buffers = new EncodedSummaryBuffers();
        var arrays = Enumerable.Range(0, 100).Select(_ => buffers.Rent(length)).ToList();
        arrays.ForEach(buffers.Return);
        var rentedAgain = Enumerable.Range(0, 100).Select(_ => buffers.Rent(length)).ToList();
        Assert.Equal(kept, rentedAgain.Count(a => arrays.Contains(a)));
    }
}
