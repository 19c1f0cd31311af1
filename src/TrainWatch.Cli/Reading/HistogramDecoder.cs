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
        int first = 0, last = counts.Length - 1;
        while (first <= last && !(IsUsable(lefts[first], rights[first], counts[first]) && counts[first] > 0))
        {
            first++;
        }

        while (last >= first && !(IsUsable(lefts[last], rights[last], counts[last]) && counts[last] > 0))
        {
            last--;
        }

        if (first > last)
        {
            return null;
        }

        // Room for every bucket plus an empty one per gap between a bucket and the next.
        var edges = new List<double>(last - first + 2);
        var cumulative = new List<double>(last - first + 2);
        double total = 0;
        for (int i = first; i <= last; i++)
        {
            if (!IsUsable(lefts[i], rights[i], counts[i]))
            {
                continue;
            }

            // Why clamp: writers disagree at the seams (min above the first limit, float rounding); overlap would break the CDF.
            double left = edges.Count == 0 ? lefts[i] : Math.Max(lefts[i], edges[^1]);
            double right = Math.Max(rights[i], left);
            if (edges.Count == 0 || left > edges[^1])
            {
                // The first bucket's left edge, or the far side of a gap (an empty bucket).
                edges.Add(left);
                cumulative.Add(total);
            }

            double count = counts[i];
            total += count;
            edges.Add(right);
            cumulative.Add(total);
            if (!momentsKnown)
            {
                sum += count * (left + right) / 2;
                sumSquares += count * (left * left + left * right + right * right) / 3;
            }
        }

        return total > 0 ? new BucketHistogram(edges.ToArray(), cumulative.ToArray(), sum, sumSquares) : null;
    }

    private static bool IsUsable(double left, double right, double count) =>
        double.IsFinite(left) && double.IsFinite(right) && count >= 0 && !double.IsInfinity(count);
}
