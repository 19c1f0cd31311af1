using BenchmarkDotNet.Attributes;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// One shape read of a [16, 32, 64] tensor (a transformer's [T, N, D] output): TorchSharp's <c>shape</c>, whose
/// native call fills an array through a managed callback, against <see cref="TensorSizes"/> (<c>dim()</c> and one
/// <c>size(d)</c> each), which the sample path uses.
/// </summary>
/// <remarks>
/// Run: <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*ShapeRead*'</c>.
/// </remarks>
[Config(typeof(ShortMicroConfig))]
public class ShapeReadBenchmarks
{
    private Tensor? _tensor;

    [GlobalSetup]
    public void Setup() => _tensor = zeros(16, 32, 64);

    [GlobalCleanup]
    public void Cleanup() => _tensor?.Dispose();

    [Benchmark(Baseline = true)]
    public long[] TorchSharpShape() => _tensor!.shape;

    [Benchmark]
    public long[] DimAndSizes() => TensorSizes.Of(_tensor!);
}
