using TrainWatch.TorchSharp.Statistics.HostKernels;

namespace TrainWatch.TorchSharp.Tests.Watcher;

/// <summary>
/// The bucket count of float32 runs, per-lane tables and pairs alike, is exact: every bucket equals a plain
/// element-at-a-time count with the same arithmetic, for runs on both sides of the pair path's threshold and bucket
/// limit, strided runs, tails shorter than a block, and data that crowds one bucket (a ReLU's zeros) or holds NaN.
/// </summary>
public sealed class HistogramKernelTests
{
    public static TheoryData<long, long, int, string> Runs => new()
    {
        { UniformHistogramKernel.PairRunMinimum - 1, 1, 64, "normal" }, // one short of the pair path
        { UniformHistogramKernel.PairRunMinimum, 1, 64, "normal" }, // its first run
        { 12_544, 1, 64, "relu" }, // a conv activation's sample: half the elements in bucket 0
        { 16_384 + 333, 1, 64, "normal" }, // a tail after the last block
        { 65_536, 1, 7, "uniform" }, // few buckets, none a multiple of the vector width
        { 65_536, 1, 65, "normal" }, // one bucket past the pair path: per-lane tables
        { 20_000, 3, 64, "normal" }, // every third element, gathered a block at a time
        { 9_000, 1, 64, "nan" }, // NaN lands in bucket 0 on both paths
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public unsafe void Every_bucket_equals_an_element_at_a_time_count(long count, long stride, int bins, string kind)
    {
        var random = new Random(17);
        var data = new float[count * stride];
        for (int i = 0; i < data.Length; i++)
        {
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            data[i] = kind switch
            {
                "relu" => (float)Math.Max(0, normal),
                "uniform" => (float)random.NextDouble(),
                "nan" when i % 97 == 0 => float.NaN,
                _ => (float)(normal * 0.05),
            };
        }

        var counted = Enumerable.Range(0, (int)count).Select(k => data[k * stride]).Where(float.IsFinite).ToArray();
        float min = counted.Min(), max = counted.Max();
        float scale = 1f / MathF.Max(max - min, 1e-30f) * bins;
        var expected = new long[bins];
        for (long k = 0; k < count; k++)
        {
            float position = (data[k * stride] - min) * scale; // NaN fails the test below and goes to bucket 0
            expected[position >= 0 ? (int)MathF.Min(position, bins - 1) : 0]++;
        }

        var tables = new int[UniformHistogramKernel.Tables * bins];
        fixed (float* values = data)
        fixed (int* counts = tables)
        {
            UniformHistogramKernel.Count(values, count, stride, min, scale, bins, counts);
        }

        // Only the tables the caller is told of are written (it clears and adds up exactly those).
        int used = UniformHistogramKernel.TablesUsed(count, isDouble: false, bins);
        Assert.All(tables.Skip(used * bins), c => Assert.Equal(0, c));
        var actual = new long[bins];
        for (int t = 0; t < used; t++)
        {
            for (int b = 0; b < bins; b++)
            {
                actual[b] += tables[(t * bins) + b];
            }
        }

        Assert.Equal(expected, actual);
        Assert.Equal(count, actual.Sum());
    }
}
