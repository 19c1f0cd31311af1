using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using TorchSharp;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Benchmarks;

/// <summary>
/// Cost of <see cref="TrainWatcher.Step"/> on the training thread for a ShapesCnn-sized model (3×32×32 input,
/// conv 3→16, BN, ReLU, pool, conv 16→32, BN, ReLU, pool, linear 2048→64, ReLU, linear 64→6; batch 64): a plain
/// sample step (<c>Pictures = null</c>) against a picture step (every sample step draws pictures). Each iteration runs
/// a fresh forward/backward in its setup, so only <c>Step</c> is timed; rendering and PNG encoding happen on the
/// writer's thread and are not in the number (on 2 cores they compete with training, so the wall-clock cost per
/// picture step is higher: <see cref="StepUntilWritten"/> measures it).
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/TrainWatch.Benchmarks -- --filter '*PictureBenchmarks*'</c>.</remarks>
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 30, invocationCount: 1)]
public class PictureBenchmarks
{
    private Module<Tensor, Tensor> _model = null!;
    private optim.Optimizer _optimizer = null!;
    private TrainWatcher _watch = null!;
    private Tensor _x = null!, _y = null!;
    private Tensor? _loss;
    private string _root = "";

    /// <summary>Whether every sample step is also a picture step.</summary>
    [Params(false, true)]
    public bool Pictures { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One intra-op thread: on a shared 2-core machine, OpenMP barriers waiting for a descheduled worker otherwise
        // swing a 10 ms step to 600 ms between runs, and the comparison drowns in that.
        set_num_threads(1);
        manual_seed(1);
        _model = Sequential(
            ("features", Sequential(
                ("0", Conv2d(3, 16, 3, padding: 1)), ("1", BatchNorm2d(16)), ("2", ReLU()), ("3", MaxPool2d(2)),
                ("4", Conv2d(16, 32, 3, padding: 1)), ("5", BatchNorm2d(32)), ("6", ReLU()), ("7", MaxPool2d(2)))),
            ("classifier", Sequential(
                ("0", Flatten()), ("1", Linear(2048, 64)), ("2", ReLU()), ("3", Linear(64, 6)))));
        _optimizer = optim.SGD(_model.parameters(), 0.01);
        _x = randn(64, 3, 32, 32);
        _y = randint(0, 6, [64]);
        _root = Path.Combine(Path.GetTempPath(), "trainwatch-bench", Guid.NewGuid().ToString("N"));
        _watch = TrainWatcher.Attach(_model, [_optimizer], _root, new WatchOptions
        {
            Every = 1,
            AlertsToConsole = false,
            Pictures = Pictures ? new PictureOptions { EverySteps = 1 } : null,
        });
    }

    [IterationSetup]
    public void ForwardBackward()
    {
        _loss?.Dispose();
        _optimizer.zero_grad();
        using var scope = NewDisposeScope();
        var loss = functional.cross_entropy(_model.call(_x), _y);
        loss.backward();
        _loss = loss.DetachFromDisposeScope();
    }

    /// <summary>One sampled <c>Step</c>: statistics, histograms and (with <see cref="Pictures"/>) the picture step.</summary>
    [Benchmark]
    public void Step() => _watch.Step(_loss);

    /// <summary>
    /// The same step until its summaries are in the file: adds the writer thread's drawing, PNG encoding and one fsync.
    /// </summary>
    [Benchmark]
    public void StepUntilWritten()
    {
        _watch.Step(_loss);
        _watch.Writer!.Flush();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _watch.Dispose();
        _loss?.Dispose();
        _model.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
