using System.Buffers;
using BenchmarkDotNet.Attributes;
using TrainWatch.Events;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// The scalar path. <see cref="AddScalarUntilOnDisk"/> is the head-to-head's measure (10,000 scalars into a new run,
/// Dispose drains, writes and fsyncs); <see cref="AddSummaryUntilOnDisk"/> sends the same scalars through the
/// message path (a Summary built by the caller, serialized by Google.Protobuf) for comparison; the two encoder
/// benchmarks isolate the serialization of one record. Times are per scalar.
/// </summary>
/// <remarks>
/// Run: <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*ScalarPath*'</c>.
/// The until-on-disk numbers include one fsync per operation, whose cost is the disk's.
/// </remarks>
[Config(typeof(ShortMicroConfig))]
public class ScalarPathBenchmarks
{
    private const int Scalars = 10_000;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private string _root = "";

    [GlobalSetup]
    public void Setup() => _root = Path.Combine(Path.GetTempPath(), "trainwatch-bench-scalars", Guid.NewGuid().ToString("N"));

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(OperationsPerInvoke = Scalars)]
    public void AddScalarUntilOnDisk()
    {
        using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        for (int i = 0; i < Scalars; i++)
        {
            writer.AddScalar("loss", i * 1e-3, i);
        }
    }

    [Benchmark(OperationsPerInvoke = Scalars)]
    public void AddSummaryUntilOnDisk()
    {
        using var writer = new SummaryWriter(NewRun(), new EventWriterOptions { Backpressure = BackpressurePolicy.Block });
        for (int i = 0; i < Scalars; i++)
        {
            writer.AddSummary(ScalarSummary.Build("loss", i * 1e-3), i);
        }
    }

    [Benchmark(OperationsPerInvoke = Scalars)]
    public int EncodeDirect()
    {
        _buffer.ResetWrittenCount();
        for (int i = 0; i < Scalars; i++)
        {
            ScalarEventEncoder.AppendFramed(_buffer, 1.7e9 + i, i, "loss", i * 1e-3f);
        }

        return _buffer.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = Scalars)]
    public int EncodeThroughMessages()
    {
        _buffer.ResetWrittenCount();
        for (int i = 0; i < Scalars; i++)
        {
            EventSerializer.AppendFramed(_buffer, new Event { WallTime = 1.7e9 + i, Step = i, Summary = ScalarSummary.Build("loss", i * 1e-3) });
        }

        return _buffer.WrittenCount;
    }

    private string NewRun() => Path.Combine(_root, Guid.NewGuid().ToString("N"));
}
