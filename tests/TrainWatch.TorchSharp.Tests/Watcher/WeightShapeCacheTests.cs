using TorchSharp;
using TorchSharp.Modules;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The sample step keeps each weight's shape from its first sample instead of asking TorchSharp again at every one:
/// a weight replaced in place by one of another size is still measured whole, with its new element count.
/// </summary>
public sealed class WeightShapeCacheTests
{
    private const int Bins = 8;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_weight_resized_in_place_is_measured_with_its_new_size(bool hostKernels)
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(full(3, 4, 1f), requires_grad: false);
        using var collector = new SampleCollector([("fc.weight", weight)], Bins, new HostTransfer(), hostKernels);

        var first = collector.Collect(0, null, [], null, null, -1, [], double.NaN).Parameters.Single().Weight;
        Assert.Equal(12, first.Numel);
        Assert.Equal(1, first.Mean);
        Assert.Equal(2, first.Rank);

        // Same size again: the kept shape serves, and the values are read afresh.
        weight.fill_(3f);
        var again = collector.Collect(1, null, [], null, null, -1, [], double.NaN).Parameters.Single().Weight;
        Assert.Equal(12, again.Numel);
        Assert.Equal(3, again.Mean);

        // Twenty elements in one dimension now: a kept shape of 12 would decode a sum of 40 as a mean of 10/3.
        weight.set_(full(20, 2f));
        var resized = collector.Collect(2, null, [], null, null, -1, [], double.NaN).Parameters.Single().Weight;
        Assert.Equal(20, resized.Numel);
        Assert.Equal(20, resized.Finite);
        Assert.Equal(2, resized.Mean);
        Assert.Equal(1, resized.Rank);
        Assert.Equal(20, resized.Counts.ToArray().Sum());
    }
}
