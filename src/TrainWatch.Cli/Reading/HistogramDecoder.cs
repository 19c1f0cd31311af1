using TrainWatch.Protos;

namespace TrainWatch.Cli.Reading;

/// <summary>Turns both of TensorBoard's histogram forms into a <see cref="BucketHistogram"/>.</summary>
internal static class HistogramDecoder
{
    /// <summary>
    /// The legacy <see cref="HistogramProto"/>: bucket <c>i</c> spans <c>bucket_limit[i-1]..bucket_limit[i]</c>. As
    /// TensorBoard does when it migrates these, the first bucket starts at <c>min</c> and the last ends at <c>max</c>
    /// (the outer limits are often ±DBL_MAX). Null when empty or malformed.
    /// </summary>
    public static BucketHistogram? FromProto(HistogramProto proto)
    {
        int k = proto.Bucket.Count;
        if (k == 0 || proto.BucketLimit.Count != k || !(proto.Num > 0))
        {
            return null;
        }

        var lefts = new double[k];
        var rights = new double[k];
        var counts = new double[k];
        for (int i = 0; i < k; i++)
        {
            lefts[i] = i == 0 ? proto.Min : proto.BucketLimit[i - 1];
            rights[i] = i == k - 1 ? proto.Max : proto.BucketLimit[i];
            counts[i] = proto.Bucket[i];
        }

        return Build(lefts, rights, counts, proto.Sum, proto.SumSquares, momentsKnown: true);
    }

    /// <summary>
    /// The TensorBoard 2.x form: a DT_FLOAT or DT_DOUBLE tensor of shape [k, 3] with rows <c>[left, right, count]</c>.
    /// Its moments are not stored; they are computed with each bucket's values spread uniformly. Null when empty or
    /// malformed.
    /// </summary>
    public static BucketHistogram? FromTensor(TensorProto tensor)
    {
        var dims = tensor.TensorShape?.Dim;
        if (dims is null || dims.Count != 2 || dims[1].Size != 3)
        {
            return null;
        }

        var values = TensorValues.ToDoubles(tensor);
        if (values is null || values.Length == 0)
        {
            return null;
        }

        int k = values.Length / 3;
        var lefts = new double[k];
        var rights = new double[k];
        var counts = new double[k];
        for (int i = 0; i < k; i++)
        {
            lefts[i] = values[3 * i];
            rights[i] = values[3 * i + 1];
            counts[i] = values[3 * i + 2];
        }

        return Build(lefts, rights, counts, 0, 0, momentsKnown: false);
    }

    private static BucketHistogram? Build(double[] lefts, double[] rights, double[] counts, double sum, double sumSquares, bool momentsKnown)
    {
        // Keep buckets that hold values and have finite edges; trim to the occupied range, as every writer does.
        int first = Array.FindIndex(counts, c => c > 0);
        int last = Array.FindLastIndex(counts, c => c > 0);
        if (first < 0)
        {
            return null;
        }

        var keptLefts = new List<double>(last - first + 1);
        var keptRights = new List<double>(last - first + 1);
        var keptCounts = new List<double>(last - first + 1);
        double previousRight = double.NegativeInfinity;
        for (int i = first; i <= last; i++)
        {
            if (!double.IsFinite(lefts[i]) || !double.IsFinite(rights[i]) || !(counts[i] >= 0) || double.IsInfinity(counts[i]))
            {
                continue;
            }

            // Why clamp: writers disagree at the seams (min above the first limit, float rounding); overlap would break the CDF.
            double left = Math.Max(lefts[i], previousRight);
            double right = Math.Max(rights[i], left);
            keptLefts.Add(left);
            keptRights.Add(right);
            keptCounts.Add(counts[i]);
            previousRight = right;
        }

        double num = keptCounts.Sum();
        if (!(num > 0))
        {
            return null;
        }

        if (!momentsKnown)
        {
            for (int i = 0; i < keptCounts.Count; i++)
            {
                double l = keptLefts[i], r = keptRights[i], c = keptCounts[i];
                sum += c * (l + r) / 2;
                sumSquares += c * (l * l + l * r + r * r) / 3;
            }
        }

        return new BucketHistogram(keptLefts.ToArray(), keptRights.ToArray(), keptCounts.ToArray(), num, sum, sumSquares);
    }
}
