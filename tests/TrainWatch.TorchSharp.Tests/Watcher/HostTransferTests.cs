using TorchSharp;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The packing of a sample step's parts on a CPU: host values and CPU tensors of any layout land in order in one
/// host vector, exactly the concatenation libtorch's <c>cat</c> gives, counted as one packing.
/// </summary>
public sealed class HostTransferTests
{
    [Fact]
    public void Host_values_and_cpu_tensors_are_packed_in_order_as_cat_would()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(12);
        double[] hostBlock = [1.5, -2.25, double.NaN, double.PositiveInfinity, 4.9e-324, 7];
        var wide = randn([40], ScalarType.Float64, generator: generator);
        var narrow = wide.narrow(0, 3, 9); // a view into the middle of a storage
        var strided = randn([5, 4], ScalarType.Float64, generator: generator).t().reshape(-1).narrow(0, 0, 20)[TensorIndex.Slice(step: 2)];
        var single = randn([7], generator: generator); // float32: widened, as the libtorch path's to(float64) does
        RowPart[] parts =
        [
            RowPart.OnHost(new ArraySegment<double>(hostBlock, 1, 4)),
            RowPart.Of(narrow),
            RowPart.OnHost([]),
            RowPart.Of(strided),
            RowPart.Of(zeros(0, ScalarType.Float64)),
            RowPart.Of(single),
            RowPart.OnHost(hostBlock),
        ];

        var transfer = new HostTransfer();
        double[] packed = transfer.Copy(parts);

        double[] expected = cat(parts.Select(p => p.ToTensor().to(ScalarType.Float64)).ToArray()).data<double>().ToArray();
        Assert.Equal(4 + 9 + 10 + 7 + 6, expected.Length);
        Assert.Equal(expected, packed);
        Assert.Equal(narrow.data<double>().ToArray(), packed[4..13]);
        Assert.Equal(1, transfer.Count);

        Assert.Empty(transfer.Copy(Array.Empty<RowPart>()));
        Assert.Equal(1, transfer.Count);
    }
}
