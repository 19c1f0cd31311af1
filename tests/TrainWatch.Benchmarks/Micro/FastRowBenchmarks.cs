using BenchmarkDotNet.Attributes;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// One tensor's fast row (moments, min, max, zeros, 64-bucket histogram) on the CPU: the host kernels' fused passes
/// against the libtorch ops of the device path, and the floor (one <c>sum</c>); with every element's bucket counted, and
/// with the buckets of a tensor above the histogram limit counted from a strided sample. Run with
/// <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*FastRowBenchmarks*'</c>.
/// </summary>
[Config(typeof(ShortMicroConfig))]
public class FastRowBenchmarks
{
    private Tensor _values = null!;

    [Params(4_096, 262_144, 4_194_304)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(1);
        _values = randn(Elements).mul_(0.05);
    }

    [GlobalCleanup]
    public void Cleanup() => _values.Dispose();

    [Benchmark(Baseline = true, Description = "floor: sum")]
    public void Floor()
    {
        using var sum = _values.sum();
    }

    [Benchmark(Description = "libtorch ops (device path)")]
    public void Libtorch()
    {
        using var scope = NewDisposeScope();
        DeviceStatistics.FastRow(_values, 64, UnitAxis.None);
    }

    [Benchmark(Description = "host kernels (CPU path)")]
    public double[] HostKernels() => HostRows.FastRow(_values, 64, UnitAxis.None, 0);

    // What the watcher runs by default: buckets from a strided sample above HistogramSampleLimit, the rest exact.
    [Benchmark(Description = "host kernels, buckets sampled above 2^18 (the watcher's default)")]
    public double[] HostKernelsSampled() => HostRows.FastRow(_values, 64, UnitAxis.None, 0, HistogramSampling.DefaultLimit);

    // The two passes of the host kernels alone, on one thread: where the CPU path's time goes.
    [Benchmark(Description = "pass 1 alone: moments (one thread)")]
    public unsafe double MomentsPass()
    {
        var view = HostView.Of(_values);
        return MomentsKernel.Compute(view.Floats, view.Length, view.Floats[0]).ShiftedSum;
    }

    [Benchmark(Description = "pass 2 alone: 64 buckets (one thread)")]
    public unsafe int HistogramPass()
    {
        var view = HostView.Of(_values);
        var counts = new int[UniformHistogramKernel.Tables * 64];
        fixed (int* c = counts)
        {
            UniformHistogramKernel.Count(view.Floats, view.Length, -1f, 32f, 64, c);
        }

        return counts[0];
    }
}

/// <summary>
/// All parameters and gradients of a model of mixed sizes (a 4M-element weight beside 2K-element biases and norm
/// gains, 26 tensors): the libtorch batch of the device path against the host kernels, and the floor.
/// </summary>
[Config(typeof(ShortMicroConfig))]
public class ParameterRowsBenchmarks
{
    private List<Tensor> _tensors = [];
    private ParameterRows _libtorch = null!;
    private ParameterRows _host = null!;
    private ParameterRows _sampled = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(1);
        for (int layer = 0; layer < 6; layer++)
        {
            _tensors.Add(randn(2048, 2048).mul_(0.02)); // weight
            _tensors.Add(randn(2048).mul_(0.02)); // bias
            _tensors.Add(ones(2048)); // norm gain
            _tensors.Add(zeros(2048)); // norm bias
        }

        _tensors.Add(randn(10, 2048));
        _tensors.Add(randn(10));
        _libtorch = new ParameterRows(64, hostKernels: false);
        _host = new ParameterRows(64);
        _sampled = new ParameterRows(64, histogramLimit: HistogramSampling.DefaultLimit);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _libtorch.Dispose();
        _host.Dispose();
        _sampled.Dispose();
        _tensors.ForEach(t => t.Dispose());
    }

    [Benchmark(Baseline = true, Description = "floor: one sum per tensor")]
    public void Floor()
    {
        using var scope = NewDisposeScope();
        foreach (var t in _tensors)
        {
            t.sum();
        }
    }

    [Benchmark(Description = "libtorch batch (device path)")]
    public void Libtorch()
    {
        using var scope = NewDisposeScope();
        _libtorch.Rows(_tensors);
    }

    [Benchmark(Description = "host kernels (CPU path)")]
    public void HostKernels()
    {
        using var scope = NewDisposeScope();
        _host.Rows(_tensors);
    }

    [Benchmark(Description = "host kernels, buckets sampled above 2^18 (the watcher's default)")]
    public void HostKernelsSampled()
    {
        using var scope = NewDisposeScope();
        _sampled.Rows(_tensors);
    }
}
