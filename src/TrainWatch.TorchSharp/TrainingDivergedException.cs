using TrainWatch.TorchSharp.Diagnosis;

namespace TrainWatch.TorchSharp;

/// <summary>Thrown by <see cref="TrainWatcher.Step"/> under <see cref="WatchOptions.StopOnNaN"/>.</summary>
public sealed class TrainingDivergedException(Alert alert) : Exception($"Training diverged: {alert}")
{
    /// <summary>The alert that stopped training.</summary>
    public Alert Alert { get; } = alert;
}
