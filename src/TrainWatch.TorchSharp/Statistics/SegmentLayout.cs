using TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Where each tensor of a batch lies once the batch is packed into one zero-padded <c>[rows, rowLength]</c> matrix:
/// every tensor starts on a row of its own, so each row belongs to exactly one tensor (a segment) and the batch's
/// statistics become dense row reductions plus a few small per-row combines. The index tensors live on the batch's
/// device and are built once: the parameter list, and so the layout, does not change during a run.
/// </summary>
internal sealed class SegmentLayout : IDisposable
{
    // Short rows make many rows to combine; long rows make much padding. Rows of about √(longest segment) balance the
    // two: padding is below segments × rowLength, and the combine matrix is segments × (longest / rowLength).
    private const long MinimumRowLength = 16;

    private readonly List<Tensor> _owned = [];

    /// <param name="lengths">Elements of each segment, in batch order.</param>
    /// <param name="bins">Histogram buckets.</param>
    /// <param name="device">The batch's device.</param>
    /// <param name="dtype">The dtype the batch is reduced in.</param>
    /// <param name="histogramLimit">Elements a segment's histogram counts at most (<see cref="HistogramSampling"/>); 0 counts all.</param>
    public SegmentLayout(IReadOnlyList<long> lengths, int bins, Device device, ScalarType dtype, long histogramLimit = 0)
    {
        Lengths = lengths.ToArray();
        int segments = Lengths.Length;
        RowLength = Math.Max(MinimumRowLength, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Ceiling(Math.Sqrt(Lengths.Max()))));

        var rowsOf = Lengths.Select(n => (n + RowLength - 1) / RowLength).ToArray();
        Rows = rowsOf.Sum();
        MaxRowsPerSegment = rowsOf.Max();
        PadLengths = Lengths.Select((n, s) => rowsOf[s] * RowLength - n).ToArray();
        DumpBucket = segments * (long)bins;

        var rowSegments = new long[Rows];
        var rowPads = new double[Rows];
        var rowBucketBase = new long[Rows];
        var rowGather = new long[segments * MaxRowsPerSegment];
        var segmentStarts = new long[segments];
        var rowShiftSources = new long[Rows];
        var padPositions = new List<long>();
        long row = 0;
        for (int s = 0; s < segments; s++)
        {
            long first = row;
            segmentStarts[s] = first * RowLength;
            for (long r = 0; r < rowsOf[s]; r++, row++)
            {
                rowSegments[row] = s;
                rowShiftSources[row] = first * RowLength;
                rowBucketBase[row] = s * (long)bins;
            }

            long last = row - 1;
            rowPads[last] = PadLengths[s];
            for (long p = RowLength - PadLengths[s]; p < RowLength; p++)
            {
                padPositions.Add(last * RowLength + p);
            }

            // A segment's rows, then its last row again: repeating a row changes neither its max nor its min.
            for (long k = 0; k < MaxRowsPerSegment; k++)
            {
                rowGather[s * MaxRowsPerSegment + k] = Math.Min(first + k, last);
            }
        }

        // Segments above the histogram limit are counted over their strided sample, as on their own (DeviceStatistics):
        // every other element, and the padding, goes to the dump bucket, and the counts are scaled back per segment.
        var strides = Lengths.Select(n => HistogramSampling.Stride(n, histogramLimit)).ToArray();
        if (strides.Any(k => k > 1))
        {
            var skipped = new bool[Rows * RowLength];
            Array.Fill(skipped, true);
            var factors = new double[segments];
            var totals = new double[segments];
            for (int s = 0; s < segments; s++)
            {
                long start = segmentStarts[s];
                for (long i = 0; i < Lengths[s]; i += strides[s])
                {
                    skipped[start + i] = false;
                }

                factors[s] = (double)Lengths[s] / HistogramSampling.Counted(Lengths[s], strides[s]);
                totals[s] = Lengths[s];
            }

            NotCounted = Own(tensor(skipped, device: device));
            SampleFactors = Own(tensor(factors, [segments, 1], ScalarType.Float64, device));
            SegmentTotals = Own(tensor(totals, [segments, 1], ScalarType.Float64, device));
        }

        ZeroPad = Own(zeros(RowLength, dtype, device));
        RowSegments = Own(tensor(rowSegments, device: device));
        RowPadCounts = Own(tensor(rowPads, dtype, device));
        RowBucketBase = Own(tensor(rowBucketBase, device: device).unsqueeze(1));
        RowGather = Own(tensor(rowGather, device: device));
        PadPositions = Own(tensor(padPositions.ToArray(), device: device));
        SegmentStarts = Own(tensor(segmentStarts, device: device));
        RowShiftSources = Own(tensor(rowShiftSources, device: device));
        HasPadding = padPositions.Count > 0;
    }

    /// <summary>Elements of each segment, in batch order.</summary>
    public long[] Lengths { get; }

    public int Segments => Lengths.Length;

    public long RowLength { get; }

    public long Rows { get; }

    public long MaxRowsPerSegment { get; }

    /// <summary>Zeros appended to each segment to fill its last row.</summary>
    public long[] PadLengths { get; }

    public bool HasPadding { get; }

    /// <summary>The bucket past every segment's histogram, where padding is counted and then dropped.</summary>
    public long DumpBucket { get; }

    /// <summary>
    /// [rows × rowLength] bool when a segment's histogram is sampled: true where an element is not counted (outside the
    /// sample, or padding); null when every element is counted.
    /// </summary>
    public Tensor? NotCounted { get; }

    /// <summary>[segments, 1] float64 with <see cref="NotCounted"/>: elements over counted elements (1 for a segment counted whole).</summary>
    public Tensor? SampleFactors { get; }

    /// <summary>[segments, 1] float64 with <see cref="NotCounted"/>: each segment's elements, what its scaled counts add up to.</summary>
    public Tensor? SegmentTotals { get; }

    /// <summary>Zeros of the batch's dtype, <see cref="RowLength"/> long: padding is a view of it.</summary>
    public Tensor ZeroPad { get; }

    /// <summary>[rows] int64: the segment each row belongs to.</summary>
    public Tensor RowSegments { get; }

    /// <summary>[rows] in the batch's dtype: padding zeros in each row, taken off its zero count.</summary>
    public Tensor RowPadCounts { get; }

    /// <summary>[rows, 1] int64: where each row's segment's histogram starts in the joint count (segment × bins).</summary>
    public Tensor RowBucketBase { get; }

    /// <summary>[segments × max rows per segment] int64: each segment's rows, its last row repeated to fill.</summary>
    public Tensor RowGather { get; }

    /// <summary>Flat positions of the padding in the packed matrix.</summary>
    public Tensor PadPositions { get; }

    /// <summary>[segments] int64: the flat position of each segment's first element (its shift, see <see cref="StatisticsRow"/>).</summary>
    public Tensor SegmentStarts { get; }

    /// <summary>[rows] int64: for each row, the flat position of its segment's first element.</summary>
    public Tensor RowShiftSources { get; }

    public void Dispose()
    {
        foreach (var t in _owned)
        {
            t.Dispose();
        }

        _owned.Clear();
    }

    // Cached across sample steps, so out of every dispose scope: disposed with the layout.
    private Tensor Own(Tensor t)
    {
        t.DetachFromDisposeScope();
        _owned.Add(t);
        return t;
    }
}
