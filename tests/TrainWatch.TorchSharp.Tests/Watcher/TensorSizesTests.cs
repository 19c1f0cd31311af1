using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>The sample path reads shapes with plain native calls (<see cref="TensorSizes"/>): the same sizes as TorchSharp's <c>shape</c>.</summary>
public sealed class TensorSizesTests
{
    [Fact]
    public void Sizes_equal_TorchSharps_shape_for_scalars_empty_views_and_every_rank()
    {
        using var scope = NewDisposeScope();
        var image = randn(2, 3, 5, 7);
        Tensor[] tensors =
        [
            tensor(3.5f),                           // a scalar: no sizes
            zeros(0),                               // empty
            zeros(4, 0, 2),                         // an empty dimension inside
            arange(10),
            image,
            image.permute(3, 1, 0, 2),              // a non-contiguous view
            image.narrow(3, 1, 4).unsqueeze(0),     // a narrowed view with a leading 1
            randn([1, 1, 1, 1, 1, 2, 1, 3]),
        ];

        foreach (var t in tensors)
        {
            Assert.Equal(t.shape, TensorSizes.Of(t));
        }
    }
}
