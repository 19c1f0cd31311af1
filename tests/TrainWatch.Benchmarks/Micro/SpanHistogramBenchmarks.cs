using BenchmarkDotNet.Attributes;
using TrainWatch.Summaries;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// A histogram of N floats from a host span on TensorBoard's default buckets: the plain reference (one value at a
/// time, binary-search-free table lookup, running sums) against the fast path on one thread and split over the pool.
/// Divide the mean by N for nanoseconds per element.
/// </summary>
/// <remarks>
/// Run: <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*SpanHistogram*'</c>.
/// A short in-process job (<see cref="ShortMicroConfig"/>): the machine this runs on is shared.
/// </remarks>
[Config(typeof(ShortMicroConfig))]
public class SpanHistogramBenchmarks
{
    private float[] _values = [];

    [Params(1_000, 65_536, 1_000_000, 16_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Normal values, as weights and gradients roughly are: they spread over ~100 of the 1,550 buckets.
        var random = new Random(1);
        _values = new float[N];
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
    }

    [Benchmark(Baseline = true)]
    public object? Reference() => HistogramReference.FromValues<float>(_values, out _);

    [Benchmark]
    public object? FastOneThread() => SpanHistogram.FromValues<float>(_values.AsSpan(), out _);

    /// <summary>What the writer thread runs for <c>SummaryWriter.AddHistogram(tag, span, step)</c>.</summary>
    [Benchmark]
    public object? FastParallel() => SpanHistogram.FromValues<float>(_values.AsMemory(), out _);
}
