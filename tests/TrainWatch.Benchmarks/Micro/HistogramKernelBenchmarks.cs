using BenchmarkDotNet.Attributes;
using TrainWatch.TorchSharp.Statistics.HostKernels;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// The bucket count of one float32 run (normal values, as weights and gradients are): into 64 buckets, which runs of
/// 8K elements and more count in pairs, against the same run into 65 buckets, one past the pair path's limit, which
/// the per-lane tables count (the same work an element otherwise). Divide by Elements for a time per element.
/// </summary>
/// <remarks>
/// Run: <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*HistogramKernel*'</c>.
/// </remarks>
[Config(typeof(ShortMicroConfig))]
public unsafe class HistogramKernelBenchmarks
{
    private float[] _values = [];
    private int[] _counts = [];
    private float _min;
    private float _max;

    [Params(4_096, 16_384, 262_144)]
    public int Elements { get; set; }

    [Params(64, 65)]
    public int Bins { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _values = new float[Elements];
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.05);
        }

        _min = _values.Min();
        _max = _values.Max();
        _counts = new int[UniformHistogramKernel.Tables * Bins];
    }

    [Benchmark]
    public int Count()
    {
        float scale = 1f / MathF.Max(_max - _min, 1e-30f) * Bins;
        _counts.AsSpan(0, UniformHistogramKernel.TablesUsed(Elements, isDouble: false, Bins) * Bins).Clear();
        fixed (float* values = _values)
        fixed (int* counts = _counts)
        {
            UniformHistogramKernel.Count(values, Elements, _min, scale, Bins, counts);
        }

        return _counts[0];
    }
}
