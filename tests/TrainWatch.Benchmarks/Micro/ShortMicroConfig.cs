using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// The micro-benchmarks' job: BenchmarkDotNet's short run (3 warm-ups, 3 iterations, one launch) because the machine
/// is shared, run in process so the built DLL runs them from any directory without generating and building a project.
/// </summary>
public sealed class ShortMicroConfig : ManualConfig
{
    public ShortMicroConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
