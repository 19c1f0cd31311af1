using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Tests.Analysis;

public class WassersteinDistanceTests
{
    // Buckets as (left, right, count) rows, like the TensorBoard 2.x form.
    private static BucketHistogram Histogram(params (double Left, double Right, double Count)[] rows)
    {
        var tensor = new Protos.TensorProto
        {
            Dtype = Protos.DataType.DtDouble,
            TensorShape = new Protos.TensorShapeProto { Dim = { new Protos.TensorShapeProto.Types.Dim { Size = rows.Length }, new Protos.TensorShapeProto.Types.Dim { Size = 3 } } },
        };
        foreach (var (left, right, count) in rows)
        {
            tensor.DoubleVal.Add([left, right, count]);
        }

        return HistogramDecoder.FromTensor(tensor) ?? throw new InvalidOperationException("empty");
    }

    [Fact]
    public void Disjoint_unit_uniforms_one_apart_are_at_distance_one()
    {
        Assert.Equal(1.0, WassersteinDistance.Between(Histogram((0, 1, 10)), Histogram((1, 2, 10))), 12);
    }

    [Fact]
    public void Point_masses_are_at_the_distance_between_the_points()
    {
        Assert.Equal(3.0, WassersteinDistance.Between(Histogram((2, 2, 5)), Histogram((5, 5, 7))), 12);
    }

    [Fact]
    public void Stretching_a_uniform_matches_the_closed_form()
    {
        // U[0,1] vs U[0,2]: ∫|x − x/2| on [0,1] + ∫|1 − x/2| on [1,2] = 1/4 + 1/4.
        Assert.Equal(0.5, WassersteinDistance.Between(Histogram((0, 1, 4)), Histogram((0, 2, 4))), 12);
    }

    [Fact]
    public void Crossing_cdfs_integrate_the_absolute_difference()
    {
        // Half on [0,1], half on [3,4] vs all on [1.5,2.5]. Quantile coupling: for u < 1/2 the points are 2u and 1.5 + u,
        // for u > 1/2 they are 2u + 2 and 1.5 + u; ∫(1.5 − u) over [0, ½] + ∫(u + 0.5) over [½, 1] = 0.625 + 0.625.
        double distance = WassersteinDistance.Between(Histogram((0, 1, 5), (1, 3, 0), (3, 4, 5)), Histogram((1.5, 2.5, 10)));
        Assert.Equal(1.25, distance, 12);
    }

    [Fact]
    public void The_same_distribution_bucketed_differently_is_at_distance_zero_and_the_distance_is_symmetric()
    {
        var coarse = Histogram((0, 1, 10));
        var fine = Histogram((0, 0.25, 2.5), (0.25, 0.5, 2.5), (0.5, 1, 5));
        Assert.Equal(0.0, WassersteinDistance.Between(coarse, fine), 12);

        var shifted = Histogram((0.5, 1, 3), (1, 3, 7));
        Assert.Equal(WassersteinDistance.Between(coarse, shifted), WassersteinDistance.Between(shifted, coarse), 12);
        Assert.True(WassersteinDistance.Between(coarse, shifted) > 0);
    }

    [Fact]
    public void Normalised_distance_is_scale_free_and_bounded_by_two()
    {
        var a = Histogram((0, 1, 10));
        var b = Histogram((1, 2, 10));
        var a1000 = Histogram((0, 1000, 10));
        var b1000 = Histogram((1000, 2000, 10));
        Assert.Equal(NormalizedDistance.Between(a, b), NormalizedDistance.Between(a1000, b1000), 9);

        var opposite = NormalizedDistance.Between(Histogram((-1, -1, 1)), Histogram((1, 1, 1)));
        Assert.Equal(2.0, opposite, 12);
    }
}
