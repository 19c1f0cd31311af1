using BenchmarkDotNet.Attributes;
using TrainWatch.Events;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.Summaries;

namespace TrainWatch.Benchmarks.Micro;

/// <summary>
/// A picture step's images built one after another, as the watcher's writer built them on the training thread before,
/// against side by side (<see cref="SummaryWriter.BeginBuildBatch"/>, whose builds run as
/// <see cref="DeferredBuildBatch.BuildAll"/>): the weight heat maps of the 48 blocks of the scaling table, 48
/// matrices of 256×256 (colouring and PNG encoding each, as <c>AddHeatmap</c>'s builder does).
/// </summary>
/// <remarks>
/// Run: <c>dotnet tests/TrainWatch.Benchmarks/bin/Release/net10.0/TrainWatch.Benchmarks.dll --filter '*PictureBatch*'</c>.
/// The ratio is at most the number of cores (two here).
/// </remarks>
[Config(typeof(ShortMicroConfig))]
public class PictureBatchBenchmarks
{
    private const int Side = 256;
    private List<Func<Summary?>> _builds = [];

    [Params(48)]
    public int Pictures { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _builds = [];
        for (int p = 0; p < Pictures; p++)
        {
            var matrix = new float[Side * Side];
            for (int i = 0; i < matrix.Length; i++)
            {
                matrix[i] = (float)((random.NextDouble() * 2) - 1) * 0.05f;
            }

            string tag = $"pictures/heatmap/block{p}.weight";
            _builds.Add(() => ImageSummary.Build(tag, Heatmap.Render(matrix, Side, Side, HeatmapOptions.Default).EncodePng()));
        }
    }

    [Benchmark(Baseline = true, Description = "one after another")]
    public int OneAfterAnother()
    {
        int bytes = 0;
        foreach (var build in _builds)
        {
            bytes += build()!.CalculateSize();
        }

        return bytes;
    }

    [Benchmark(Description = "side by side (BeginBuildBatch)")]
    public int SideBySide()
    {
        int bytes = 0;
        foreach (var (summary, _) in DeferredBuildBatch.BuildAll(_builds))
        {
            bytes += summary!.CalculateSize();
        }

        return bytes;
    }
}
