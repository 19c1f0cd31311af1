using TrainWatch.TorchSharp.Statistics;

namespace TrainWatch.TorchSharp.Tests.Recording;

/// <summary>The rule that says which dimension of a module's output holds its units.</summary>
public sealed class UnitAxisTests
{
    [Theory]
    [InlineData("Linear", new long[] { 8, 16 }, 1)]
    [InlineData("Linear", new long[] { 8, 5, 16 }, 2)] // batch-first sequence: features last
    [InlineData("GRU", new long[] { 5, 8, 16 }, 2)] // time-first sequence too
    [InlineData("LayerNorm", new long[] { 8, 5, 16 }, 2)]
    [InlineData("Conv1d", new long[] { 8, 4, 20 }, 1)]
    [InlineData("Conv2d", new long[] { 8, 4, 6, 6 }, 1)]
    [InlineData("BatchNorm2d", new long[] { 8, 4, 6, 6 }, 1)]
    [InlineData("MaxPool2d", new long[] { 8, 4, 3, 3 }, 1)]
    [InlineData("ReLU", new long[] { 8, 4, 6, 6 }, 1)] // nothing before it: images
    [InlineData("ReLU", new long[] { 8, 5, 16 }, 2)] // nothing before it: sequences
    [InlineData("ReLU", new long[] { 8 }, UnitAxis.None)]
    [InlineData("MyBlock", new long[] { }, UnitAxis.None)]
    public void Follows_the_module_type_and_rank(string type, long[] shape, int expected) =>
        Assert.Equal(expected, UnitAxis.For(type, shape, previous: null));

    [Fact]
    public void An_elementwise_module_takes_the_axis_of_the_module_before_it_when_the_shape_is_the_same()
    {
        long[] sequence = [8, 5, 16];
        long[] convLike = [8, 4, 20];
        Assert.Equal(1, UnitAxis.For("ReLU", convLike, (convLike, 1))); // after a Conv1d: channels
        Assert.Equal(2, UnitAxis.For("ReLU", convLike, ([8, 4, 7], 1))); // a different shape: the default for rank 3
        Assert.Equal(2, UnitAxis.For("Dropout", sequence, (sequence, 2)));
    }
}
