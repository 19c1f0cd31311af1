using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Tests.Tabs;

/// <summary>A few ordinary training steps of <see cref="SmallCnn"/> with the watcher attached.</summary>
public static class Training
{
    public static void Run(SmallCnn model, optim.Optimizer optimizer, TrainWatcher watch, int steps, int batchSize = 8, int seed = 1)
    {
        var generator = new Generator((ulong)seed);
        for (int i = 0; i < steps; i++)
        {
            model.TrainStep(optimizer, watch, generator, batchSize);
        }
    }

    /// <summary>A directory for the run: kept at TRAINWATCH_TABS_RUN (to inspect with tfevents-check) when set.</summary>
    public static string RunDirectory(TempDirectory temp, string name) =>
        Environment.GetEnvironmentVariable("TRAINWATCH_TABS_RUN") is { Length: > 0 } keep ? Path.Combine(keep, name) : Path.Combine(temp.Path, name);
}
