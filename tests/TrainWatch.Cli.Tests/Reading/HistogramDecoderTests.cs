using TrainWatch.Cli.Reading;
using TrainWatch.Protos;

namespace TrainWatch.Cli.Tests.Reading;

public class HistogramDecoderTests
{
    private static HistogramProto Proto(double min, double max, double[] limits, double[] counts)
    {
        var proto = new HistogramProto { Min = min, Max = max, Num = counts.Sum(), Sum = 1, SumSquares = 2 };
        proto.BucketLimit.Add(limits);
        proto.Bucket.Add(counts);
        return proto;
    }

    [Fact]
    public void A_proto_starts_at_min_and_ends_at_max_whatever_its_outer_limits()
    {
        var histogram = HistogramDecoder.FromProto(Proto(-0.5, 2.5, [0, 1, double.MaxValue], [1, 2, 3]))!.Value;

        Assert.Equal([-0.5, 0, 1, 2.5], histogram.Edges.ToArray());
        Assert.Equal([0, 1, 3, 6], histogram.Cumulative.ToArray());
        Assert.Equal(6, histogram.Num);
        Assert.Equal(2, histogram.SumSquares);
    }

    [Fact]
    public void Untrimmed_empty_outer_buckets_are_dropped_and_the_occupied_ones_clipped_to_min_and_max()
    {
        // Some writers keep all 1,550 default buckets; the values still lie within [min, max].
        var histogram = HistogramDecoder.FromProto(Proto(0.05, 0.9, [-1, 0, 0.2, 1, 2, 3], [0, 0, 4, 4, 0, 0]))!.Value;

        Assert.Equal([0.05, 0.2, 0.9], histogram.Edges.ToArray());
        Assert.Equal([0, 4, 8], histogram.Cumulative.ToArray());
    }

    [Fact]
    public void A_min_that_rounding_put_past_its_buckets_limit_gives_a_point_mass_not_overlapping_buckets()
    {
        var histogram = HistogramDecoder.FromProto(Proto(0.1000001, 0.9, [0.1, 1], [3, 5]))!.Value;

        Assert.Equal([0.1000001, 0.1000001, 0.9], histogram.Edges.ToArray());
        Assert.Equal([0, 3, 8], histogram.Cumulative.ToArray());
    }

    [Fact]
    public void Empty_or_inconsistent_protos_are_not_histograms()
    {
        Assert.Null(HistogramDecoder.FromProto(new HistogramProto()));
        Assert.Null(HistogramDecoder.FromProto(Proto(0, 1, [1, 2], [0, 0])));
        Assert.Null(HistogramDecoder.FromProto(Proto(0, 1, [1], [1, 2])));
    }

    [Fact]
    public void Gaps_between_tensor_rows_become_empty_buckets()
    {
        var tensor = new TensorProto
        {
            Dtype = DataType.DtDouble,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 2 }, new TensorShapeProto.Types.Dim { Size = 3 } } },
            DoubleVal = { 0, 1, 2, 3, 4, 2 },
        };

        var histogram = HistogramDecoder.FromTensor(tensor)!.Value;

        Assert.Equal([0, 1, 3, 4], histogram.Edges.ToArray());
        Assert.Equal([0, 2, 2, 4], histogram.Cumulative.ToArray());
        Assert.Equal((2 * 0.5 + 2 * 3.5) / 4, histogram.Mean, 12);
    }
}
