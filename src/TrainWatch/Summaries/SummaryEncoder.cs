using System.Buffers.Binary;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.Protobuf;
using TrainWatch.Events;
using TrainWatch.Protos;

namespace TrainWatch.Summaries;

/// <summary>
/// Writes a summary's values straight into their protobuf encoding, one after another, in a buffer kept from one use to
/// the next: the bytes Google.Protobuf writes for the <see cref="Summary"/> that holds the same values, without making a
/// message per value. Queue them with <see cref="SummaryWriter.AddEncoded"/>.
/// </summary>
/// <remarks>
/// <para>For callers that write thousands of values at every step (a watcher's statistics of every layer): there the
/// messages — a <c>Value</c> per scalar, a <c>HistogramProto</c> and two repeated fields per histogram, each sized once
/// to be queued and again to be written — were most of the cost and most of the garbage of a step.</para>
/// <para>Protobuf's rules as its generated code applies them: fields in field-number order, proto3 defaults left out
/// (a histogram's <c>min</c>, <c>max</c>, <c>num</c>, <c>sum</c> and <c>sum_squares</c> when they compare equal to 0),
/// repeated doubles packed, <c>simple_value</c> always written because it is a oneof member. Tests compare the bytes
/// with Google.Protobuf's. Not thread-safe: one encoder per thread.</para>
/// </remarks>
public sealed class SummaryEncoder
{
    // Shared with ScalarEventEncoder, which writes one scalar's value the same way.
    internal const byte ValueKey = (1 << 3) | 2; // Summary.value, length-delimited
    internal const byte TagKey = (1 << 3) | 2; // Summary.Value.tag, length-delimited
    internal const byte SimpleValueKey = (2 << 3) | 5; // Summary.Value.simple_value, fixed 32 bits
    private const byte HistoKey = (5 << 3) | 2; // Summary.Value.histo, length-delimited
    private const byte MinKey = (1 << 3) | 1; // HistogramProto.min, fixed 64 bits (and max, num, sum, sum_squares after it)
    private const byte BucketLimitKey = (6 << 3) | 2; // HistogramProto.bucket_limit, packed
    private const byte BucketKey = (7 << 3) | 2; // HistogramProto.bucket, packed

    // Tags as written, found by the string object, for callers that pass the same tag strings at every step: checking
    // each and converting it to UTF-8 (twice: its length, then its bytes) was about a quarter of a watcher's summary
    // encoding. Callers that write many values at every step hold PreparedTag objects instead, which need no lookup.
    // Bounded, for callers that make a new tag every time (the step in the tag): once full, new tags take the full path.
    private const int MaxPreparedTags = 8192;
    private readonly Dictionary<string, PreparedTag> _prepared = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _tags = [];
    private byte[] _buffer;
    private int _length;

    /// <param name="initialCapacity">Bytes the buffer starts with; it grows as values need and keeps its size.</param>
    public SummaryEncoder(int initialCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = new byte[initialCapacity];
    }

    /// <summary>Values written since the last <see cref="Clear"/>.</summary>
    public int Count => _tags.Count;

    /// <summary>The encoded values: a <see cref="Summary"/> message's bytes.</summary>
    public ReadOnlySpan<byte> Encoded => _buffer.AsSpan(0, _length);

    /// <summary>The (validated) tag of each value, in order.</summary>
    public IReadOnlyList<string> Tags => _tags;

    /// <summary>Forgets the values; the buffer is kept.</summary>
    public void Clear()
    {
        _length = 0;
        _tags.Clear();
    }

    /// <summary>Adds a scalar, as <see cref="ScalarSummary.ToValue"/> makes it (stored as a 32-bit float).</summary>
    /// <exception cref="ArgumentException">The tag is empty.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddScalar(string tag, double value) => AddScalar(Prepare(tag), value);

    /// <inheritdoc cref="AddScalar(string, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddScalar(PreparedTag tag, double value)
    {
        ArgumentNullException.ThrowIfNull(tag);
        int valueLength = FieldLength(tag.Utf8.Length) + 1 + sizeof(float);
        var destination = Reserve(FieldLength(valueLength));
        int at = WriteLengthPrefix(destination, ValueKey, valueLength);
        at += WriteTag(destination[at..], tag.Utf8);
        destination[at++] = SimpleValueKey;
        BinaryPrimitives.WriteSingleLittleEndian(destination[at..], (float)value);
        Commit(tag.Text, at + sizeof(float));
    }

    /// <summary>
    /// Adds the histogram <see cref="HistogramSummary.FromUniformBuckets"/> makes of these buckets (empty buckets at
    /// either end left out), or nothing when every count is 0.
    /// </summary>
    /// <returns>Whether a value was added.</returns>
    /// <exception cref="ArgumentException">
    /// The tag is empty, the range has no distinct edges for this many buckets, or a count is negative or not finite.
    /// </exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AddUniformHistogram(string tag, double min, double max, ReadOnlySpan<double> counts, double sum, double sumOfSquares) =>
        AddUniformHistogram(Prepare(tag), min, max, counts, sum, sumOfSquares);

    /// <inheritdoc cref="AddUniformHistogram(string, double, double, ReadOnlySpan{double}, double, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AddUniformHistogram(PreparedTag tag, double min, double max, ReadOnlySpan<double> counts, double sum, double sumOfSquares)
    {
        ArgumentNullException.ThrowIfNull(tag);
        double num = HistogramSummary.UniformTotal(min, max, counts);
        if (num == 0)
        {
            return false;
        }

        int first = counts.IndexOfAnyExcept(0.0), last = counts.LastIndexOfAnyExcept(0.0);
        int buckets = last - first + 1;

        // The right edges of the buckets written, as FromUniformBuckets computes them.
        double[]? rented = null;
        var limits = buckets <= 256 ? stackalloc double[buckets] : (rented = ArrayPool<double>.Shared.Rent(buckets)).AsSpan(0, buckets);
        double width = HistogramSummary.UniformWidth(min, max, counts.Length);
        for (int i = first; i <= last; i++)
        {
            limits[i - first] = HistogramSummary.UniformRightEdge(min, max, width, counts.Length, i);
        }

        WriteHistogram(tag, min, max, num, sum, sumOfSquares, limits, counts[first..(last + 1)]);
        if (rented is not null)
        {
            ArrayPool<double>.Shared.Return(rented);
        }

        return true;
    }

    /// <summary>
    /// Adds the histogram <see cref="HistogramSummary.FromBuckets"/> makes of <paramref name="data"/> (empty buckets at
    /// either end left out), or nothing when every count is 0.
    /// </summary>
    /// <returns>Whether a value was added.</returns>
    /// <exception cref="ArgumentException">The tag is empty, or the buckets are inconsistent.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AddHistogram(string tag, HistogramData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return AddHistogram(Prepare(tag), data);
    }

    /// <inheritdoc cref="AddHistogram(string, HistogramData)"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AddHistogram(PreparedTag tag, HistogramData data)
    {
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(data);
        data.Validate();
        double num = data.Count;
        if (num == 0)
        {
            return false;
        }

        var counts = data.Counts.AsSpan();
        int first = counts.IndexOfAnyExcept(0.0), last = counts.LastIndexOfAnyExcept(0.0);
        WriteHistogram(tag, data.Min, data.Max, num, data.Sum, data.SumOfSquares, data.Edges.AsSpan((first + 1)..(last + 2)), counts[first..(last + 1)]);
        return true;
    }

    /// <summary>Adds a histogram message as it is (serialized by Google.Protobuf).</summary>
    /// <exception cref="ArgumentException">The tag is empty.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddHistogram(string tag, HistogramProto histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var prepared = Prepare(tag);
        int histogramLength = histogram.CalculateSize();
        var destination = BeginHistogram(prepared, histogramLength, out int at);
        histogram.WriteTo(destination.Slice(at, histogramLength));
        Commit(prepared.Text, at + histogramLength);
    }

    /// <summary>The values as a message (for tests and tools; the writer takes the bytes).</summary>
    public Summary ToSummary() => Summary.Parser.ParseFrom(Encoded);

    // One histogram value: Value { tag, histo = HistogramProto { min, max, num, sum, sum_squares, bucket_limit, bucket } }.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteHistogram(PreparedTag tag, double min, double max, double num, double sum, double sumOfSquares, ReadOnlySpan<double> limits, ReadOnlySpan<double> buckets)
    {
        int packedLength = buckets.Length * sizeof(double);
        int histogramLength = PresentLength(min) + PresentLength(max) + PresentLength(num) + PresentLength(sum) + PresentLength(sumOfSquares)
            + (2 * FieldLength(packedLength));
        var destination = BeginHistogram(tag, histogramLength, out int at);
        byte key = MinKey;
        foreach (double field in (ReadOnlySpan<double>)[min, max, num, sum, sumOfSquares])
        {
            // Fields 1 to 5 in order, each key one field number (8) above the last; a field equal to 0 is left out.
            if (field != 0)
            {
                destination[at++] = key;
                BinaryPrimitives.WriteDoubleLittleEndian(destination[at..], field);
                at += sizeof(double);
            }

            key += 1 << 3;
        }

        at += WriteLengthPrefix(destination[at..], BucketLimitKey, packedLength);
        WriteDoubles(destination.Slice(at, packedLength), limits);
        at += packedLength;
        at += WriteLengthPrefix(destination[at..], BucketKey, packedLength);
        WriteDoubles(destination.Slice(at, packedLength), buckets);
        Commit(tag.Text, at + packedLength);
    }

    // Room for one histogram value whose message is `histogramLength` bytes, with everything before that message
    // written (the value's key and length, the tag, the message's key and length); `at` is where the message goes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<byte> BeginHistogram(PreparedTag tag, int histogramLength, out int at)
    {
        int valueLength = FieldLength(tag.Utf8.Length) + FieldLength(histogramLength);
        var destination = Reserve(FieldLength(valueLength));
        at = WriteLengthPrefix(destination, ValueKey, valueLength);
        at += WriteTag(destination[at..], tag.Utf8);
        at += WriteLengthPrefix(destination[at..], HistoKey, histogramLength);
        return destination;
    }

    // A length-delimited field of `length` bytes: its key, the length's varint and the bytes.
    private static int FieldLength(int length) => 1 + CodedOutputStream.ComputeLengthSize(length) + length;

    // A fixed 64-bit field: nothing when it compares equal to 0 (proto3's default), else its key and 8 bytes.
    private static int PresentLength(double value) => value != 0 ? 1 + sizeof(double) : 0;

    private static int WriteLengthPrefix(Span<byte> destination, byte key, int length)
    {
        destination[0] = key;
        return 1 + EventPrefix.WriteVarint(destination[1..], (uint)length);
    }

    // Packed doubles are little-endian: on a little-endian machine (all .NET targets but a few) one copy of the span.
    private static void WriteDoubles(Span<byte> destination, ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(destination[(i * sizeof(double))..], values[i]);
        }
    }

    private static int WriteTag(Span<byte> destination, ReadOnlySpan<byte> utf8)
    {
        int at = WriteLengthPrefix(destination, TagKey, utf8.Length);
        utf8.CopyTo(destination[at..]);
        return at + utf8.Length;
    }

    // The tag checked (SummaryTag.Validate) and in UTF-8: kept from an earlier value under the same string object,
    // else made now. A null or empty tag throws, as Validate does.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private PreparedTag Prepare(string tag)
    {
        if (tag is not null && _prepared.TryGetValue(tag, out var known))
        {
            return known;
        }

        var prepared = new PreparedTag(tag!);
        if (_prepared.Count < MaxPreparedTags)
        {
            _prepared[tag!] = prepared;
        }

        return prepared;
    }

    // Room for one value of `length` bytes at the end of the buffer, which doubles when it must grow.
    private Span<byte> Reserve(int length)
    {
        if (_buffer.Length - _length < length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + length, 2 * _buffer.Length));
        }

        return _buffer.AsSpan(_length, length);
    }

    // The value just written is part of the summary from here on: a value whose encoding failed half way leaves none.
    private void Commit(string tag, int written)
    {
        _length += written;
        _tags.Add(tag);
    }
}
