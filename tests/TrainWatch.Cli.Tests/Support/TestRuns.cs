using Google.Protobuf;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Support;

/// <summary>How a test run stores its histograms.</summary>
public enum HistogramForm
{
    /// <summary>Legacy HistogramProto, written by the core's SummaryWriter (default exponential edges).</summary>
    Proto,

    /// <summary>TensorBoard 2.x: DT_FLOAT [k,3] tensor in tensor_content, plugin metadata on the first value only.</summary>
    FloatTensor,

    /// <summary>TensorBoard 2.x: DT_DOUBLE [k,3] tensor in double_val, plugin metadata on the first value only.</summary>
    DoubleTensor,
}

/// <summary>Writes runs of histograms whose distribution per tag and step the test chooses.</summary>
public static class TestRuns
{
    // The content TensorBoard 2.x puts in a histogram's or scalar's plugin data: its plugin message at version 0, whose
    // only field is the default, so it serializes to no bytes (the plugin messages are internal to the core).
    private static readonly ByteString s_versionZero = ByteString.Empty;

    /// <summary>The (mean, std) of a tag at a step.</summary>
    public delegate (double Mean, double Std) Distribution(string tag, long step);

    /// <summary>
    /// Writes a run with histograms of <paramref name="samples"/> normal values per tag and step. Sampling is seeded by
    /// <paramref name="seed"/>, tag and step, so two runs with the same seed and distribution are identical.
    /// </summary>
    public static void Write(string directory, HistogramForm form, IEnumerable<string> tags, IEnumerable<long> steps, Distribution distribution, int seed, int samples = 2000)
    {
        var stepList = steps.ToList();
        var tagList = tags.ToList();
        if (form == HistogramForm.Proto)
        {
            using var writer = new SummaryWriter(directory, new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
            foreach (long step in stepList)
            {
                foreach (string tag in tagList)
                {
                    writer.AddHistogram(tag, Sample(tag, step, distribution, seed, samples), step);
                }
            }

            return;
        }

        using var events = new EventFileWriter(directory, new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        var described = new HashSet<string>();
        foreach (long step in stepList)
        {
            foreach (string tag in tagList)
            {
                var buckets = Histograms.Bucket(Sample(tag, step, distribution, seed, samples), 30);
                events.Write(step, new Summary { Value = { TensorHistogram(tag, buckets, form, withMetadata: described.Add(tag)) } });
            }
        }
    }

    /// <summary>A TensorBoard 2.x histogram value: rows [left, right, count].</summary>
    public static Summary.Types.Value TensorHistogram(string tag, HistogramData buckets, HistogramForm form, bool withMetadata)
    {
        int k = buckets.Counts.Length;
        var tensor = new TensorProto
        {
            Dtype = form == HistogramForm.DoubleTensor ? DataType.DtDouble : DataType.DtFloat,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = k }, new TensorShapeProto.Types.Dim { Size = 3 } } },
        };
        var rows = new List<double>();
        for (int i = 0; i < k; i++)
        {
            rows.AddRange([buckets.Edges[i], buckets.Edges[i + 1], buckets.Counts[i]]);
        }

        if (form == HistogramForm.DoubleTensor)
        {
            tensor.DoubleVal.AddRange(rows);
        }
        else
        {
            var bytes = new byte[rows.Count * sizeof(float)];
            for (int i = 0; i < rows.Count; i++)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i * sizeof(float)), (float)rows[i]);
            }

            tensor.TensorContent = ByteString.CopyFrom(bytes);
        }

        return new Summary.Types.Value
        {
            Tag = tag,
            Tensor = tensor,
            Metadata = withMetadata ? Metadata("histograms", s_versionZero) : null,
        };
    }

    /// <summary>A TensorBoard 2.x scalar: a rank-0 DT_FLOAT tensor, plugin metadata only when asked.</summary>
    public static Summary.Types.Value TensorScalar(string tag, float value, bool withMetadata) => new()
    {
        Tag = tag,
        Tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { value } },
        Metadata = withMetadata ? Metadata("scalars", s_versionZero) : null,
    };

    private static SummaryMetadata Metadata(string plugin, ByteString content) =>
        new() { PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin, Content = content } };

    private static float[] Sample(string tag, long step, Distribution distribution, int seed, int samples)
    {
        var (mean, std) = distribution(tag, step);
        return Histograms.Normal(unchecked(seed * 1_000_003 + StableHash(tag) * 7_919 + (int)step), samples, mean, std);
    }

    // string.GetHashCode is randomised per process; tests must be reproducible.
    private static int StableHash(string text) => text.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
}
