using System.Globalization;
using System.Runtime.CompilerServices;

namespace TrainWatch.Distributions;

/// <summary>
/// Fixed buckets on a symmetric log scale: one zero bucket for |x| &lt; <see cref="Threshold"/>, then
/// <see cref="BucketsPerDecade"/> log-spaced buckets per decade on each side up to <see cref="Limit"/>, and one open
/// overflow bucket per side beyond it. Because the edges never move, counts of different steps can be set side by side
/// and compared, which per-tensor min..max buckets cannot.
/// </summary>
/// <example>
/// <code>
/// var buckets = new SymLogBuckets(threshold: 1e-3, limit: 1e3, bucketsPerDecade: 4); // 51 buckets
/// double[] fixedCounts = buckets.Rebin(min, max, uniformCounts);
/// </code>
/// </example>
public sealed class SymLogBuckets
{
    private readonly double[] _edges; // ascending inner edges; bucket j is [_edges[j-1], _edges[j]) with ±∞ at the ends

    /// <summary>Builds the edges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not positive and finite, the limit not above it, or fewer than one bucket per decade.</exception>
    public SymLogBuckets(double threshold, double limit, int bucketsPerDecade)
    {
        if (!(threshold > 0) || !double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The zero bucket's half-width must be positive and finite.");
        }

        if (!(limit > threshold) || !double.IsFinite(limit))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be finite and above the threshold.");
        }

        if (bucketsPerDecade is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(bucketsPerDecade), bucketsPerDecade, "Between 1 and 100 buckets per decade.");
        }

        Threshold = threshold;
        BucketsPerDecade = bucketsPerDecade;

        // Why a rounding tolerance: 1e3 / 1e-3 gives 5.999999999999999 decades in floating point, and an extra sliver
        // bucket would be nonsense.
        int perSide = Math.Max(1, (int)Math.Ceiling((Math.Log10(limit / threshold) * bucketsPerDecade) - 1e-9));
        LogBucketsPerSide = perSide;
        var positive = new double[perSide + 1];
        for (int k = 0; k <= perSide; k++)
        {
            positive[k] = threshold * Math.Pow(10, k / (double)bucketsPerDecade);
        }

        Limit = positive[perSide];
        _edges = new double[(2 * perSide) + 2];
        for (int k = 0; k <= perSide; k++)
        {
            _edges[perSide - k] = -positive[k];
            _edges[perSide + 1 + k] = positive[k];
        }
    }

    /// <summary>Half-width of the zero bucket: values with |x| below it count as zero.</summary>
    public double Threshold { get; }

    /// <summary>Where the overflow buckets start (the threshold times a whole number of bucket steps, at least the limit asked for).</summary>
    public double Limit { get; }

    /// <summary>Log-spaced buckets per decade of |x|.</summary>
    public int BucketsPerDecade { get; }

    /// <summary>Log-spaced buckets on each side between the threshold and the limit.</summary>
    public int LogBucketsPerSide { get; }

    /// <summary>All buckets, lowest values first: overflow, negative log buckets, zero, positive log buckets, overflow.</summary>
    public int Count => _edges.Length + 1;

    /// <summary>The index of the zero bucket (the middle one).</summary>
    public int ZeroBucket => LogBucketsPerSide + 1;

    /// <summary>The ascending edges between buckets: edge <c>i</c> separates bucket <c>i</c> and bucket <c>i + 1</c>.</summary>
    public ReadOnlySpan<double> InnerEdges => _edges;

    /// <summary>Lower bound of bucket <paramref name="bucket"/> (−∞ for the first).</summary>
    public double LowerBound(int bucket) => bucket == 0 ? double.NegativeInfinity : _edges[bucket - 1];

    /// <summary>Upper bound of bucket <paramref name="bucket"/> (+∞ for the last).</summary>
    public double UpperBound(int bucket) => bucket == _edges.Length ? double.PositiveInfinity : _edges[bucket];

    /// <summary>The bucket holding <paramref name="value"/> (lower bounds inclusive).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int BucketOf(double value)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("NaN has no bucket.", nameof(value));
        }

        // The number of edges at or below the value.
        int index = Array.BinarySearch(_edges, value);
        if (index >= 0)
        {
            while (index + 1 < _edges.Length && _edges[index + 1] == value)
            {
                index++;
            }

            return index + 1;
        }

        return ~index;
    }

    /// <summary>
    /// Moves a histogram of uniform buckets from <paramref name="min"/> to <paramref name="max"/> onto these buckets:
    /// each uniform bucket's count is spread over the fixed buckets it overlaps in proportion to the overlap (the values
    /// inside a bucket are taken as evenly spread, which is all a histogram knows). The total count is kept exactly.
    /// When <paramref name="max"/> is not above <paramref name="min"/>, every count goes to the bucket of <paramref name="min"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="min"/> or <paramref name="max"/> is not finite while there are counts.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Rebin(double min, double max, ReadOnlySpan<double> uniformCounts)
    {
        var result = new double[Count];
        Rebin(min, max, uniformCounts, result);
        return result;
    }

    /// <inheritdoc cref="Rebin(double, double, ReadOnlySpan{double})"/>
    /// <param name="min">The first uniform bucket's lower edge.</param>
    /// <param name="max">The last uniform bucket's upper edge.</param>
    /// <param name="uniformCounts">The uniform buckets' counts.</param>
    /// <param name="destination">
    /// Receives <see cref="Count"/> counts (it is cleared first): a buffer the caller keeps, since a watched model
    /// rebins a histogram per layer at every sample step.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Count"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Rebin(double min, double max, ReadOnlySpan<double> uniformCounts, Span<double> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} counts; these buckets need {Count}.", nameof(destination));
        }

        var result = destination[..Count];
        result.Clear();
        double total = 0;
        foreach (double c in uniformCounts)
        {
            total += c;
        }

        if (total <= 0)
        {
            return;
        }

        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"A histogram with counts needs a finite range, got {min}..{max}.", nameof(min));
        }

        if (!(max > min))
        {
            result[BucketOf(min)] = total;
            return;
        }

        int n = uniformCounts.Length;
        double width = (max - min) / n;

        // The uniform buckets ascend, so the fixed bucket each one starts in is found by walking on from the last one's
        // instead of by a binary search each: a watched model rebins a histogram per layer at every sample step.
        int bucket = BucketOf(min);
        for (int i = 0; i < n; i++)
        {
            double count = uniformCounts[i];
            if (count == 0)
            {
                continue;
            }

            double a = min + (width * i), b = i == n - 1 ? max : min + (width * (i + 1));
            bucket = WalkTo(bucket, a);
            SpreadOver(result, bucket, a, b, count);
        }
    }

    // BucketOf(value) for a value not below bucket `from`'s lower bound: the number of edges at or below it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int WalkTo(int from, double value)
    {
        int bucket = from;
        while (bucket < _edges.Length && _edges[bucket] <= value)
        {
            bucket++;
        }

        return bucket;
    }

    /// <summary>
    /// Positions (in buckets from the bottom, see <see cref="Imaging.HistoryAxisLabel"/>) and texts for an axis: 0 in the
    /// middle of the zero bucket, then ±the limit, then the decades from the limit inwards, most important first.
    /// </summary>
    public IReadOnlyList<Imaging.HistoryAxisLabel> AxisLabels()
    {
        var labels = new List<Imaging.HistoryAxisLabel> { new(ZeroBucket + 0.5, "0") };
        for (int k = LogBucketsPerSide; k >= 0; k--)
        {
            if (k != LogBucketsPerSide && k % BucketsPerDecade != (LogBucketsPerSide % BucketsPerDecade))
            {
                continue;
            }

            // Edge i lies between bucket i and i + 1: at position i + 1.
            double value = _edges[LogBucketsPerSide + 1 + k];
            labels.Add(new(LogBucketsPerSide + 2 + k, Label(value)));
            labels.Add(new(LogBucketsPerSide + 1 - k, Label(-value)));
        }

        return labels;
    }

    /// <summary>A short label for a value on this scale: <c>0</c>, <c>1E-3</c>, <c>-1E2</c>, <c>1</c>, or two significant digits.</summary>
    public static string Label(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        double exponent = Math.Log10(Math.Abs(value));
        double rounded = Math.Round(exponent);
        string sign = value < 0 ? "-" : "";
        if (Math.Abs(exponent - rounded) < 1e-9)
        {
            return rounded == 0 ? sign + "1" : sign + "1E" + rounded.ToString(CultureInfo.InvariantCulture);
        }

        return value.ToString("G2", CultureInfo.InvariantCulture).Replace("E+", "E", StringComparison.Ordinal);
    }

    // Spreads `count`, evenly over [a, b), across the buckets from `bucket` (the one holding a) on.
    private void SpreadOver(Span<double> result, int bucket, double a, double b, double count)
    {
        double left = count;
        while (true)
        {
            double hi = UpperBound(bucket);
            if (hi >= b || bucket == Count - 1)
            {
                // The last piece takes what is left, so rounding never loses or invents a count.
                result[bucket] += left;
                return;
            }

            double share = count * (hi - Math.Max(a, LowerBound(bucket))) / (b - a);
            result[bucket] += share;
            left -= share;
            bucket++;
        }
    }
}
