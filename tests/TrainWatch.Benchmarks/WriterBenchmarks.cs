using BenchmarkDotNet.Attributes;
using TrainWatch.Events;

namespace TrainWatch.Benchmarks;

/// <summary>
/// Throughput of the core writer, measured until the data is on disk (each operation ends with Dispose, which drains,
/// writes and fsyncs).
/// </summary>
[MemoryDiagnoser]
public class WriterBenchmarks
{
    private const int Scalars = 10_000;
    private const int Histograms = 20;
    private float[] _values = [];
    private string _root = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _values = new float[1_000_000];
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        _root = Path.Combine(Path.GetTempPath(), "trainwatch-bench", Guid.NewGuid().ToString("N"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    /// <summary>10,000 scalars into a new run, until on disk. Scalars/s = 10,000 / time.</summary>
    [Benchmark(OperationsPerInvoke = Scalars)]
    public void AddScalar()
    {
        using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        for (int i = 0; i < Scalars; i++)
        {
            writer.AddScalar("loss", i * 1e-3, i);
        }
    }

    /// <summary>Histograms of 1,000,000 floats on the default exponential buckets, until on disk. Time per histogram.</summary>
    [Benchmark(OperationsPerInvoke = Histograms)]
    public void AddHistogram1M()
    {
        using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        for (int i = 0; i < Histograms; i++)
        {
            writer.AddHistogram("weights", _values, i);
        }
    }

    private string NewRun() => Path.Combine(_root, Guid.NewGuid().ToString("N"));
}
