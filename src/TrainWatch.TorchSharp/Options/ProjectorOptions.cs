namespace TrainWatch.TorchSharp;

/// <summary>Configures the embedding projector written by the watcher (<see cref="WatchOptions.Projector"/>).</summary>
public sealed record ProjectorOptions
{
    /// <summary>
    /// Training steps between two projector snapshots: written on the first sample step, then on the first sample step
    /// at or after each multiple of it (with the default <c>Every = 100</c>: steps 0, 2000, 4000, ...). In steps, not
    /// sample steps, so that a fine statistics interval does not multiply the projector's work.
    /// </summary>
    public int EverySteps { get; init; } = 2000;

    /// <summary>
    /// The module whose <em>input</em> is projected, by path (<c>classifier.3</c> or <c>classifier/3</c>). When null, the
    /// last <c>Linear</c> module: its input is the penultimate layer's features.
    /// </summary>
    public string? ModuleName { get; init; }

    /// <summary>
    /// How many points the automatic probe batch keeps: the first inputs of the first forward pass, captured when no
    /// probe is given with <see cref="TrainWatcher.SetProjectorProbe"/>.
    /// </summary>
    public int ProbeSize { get; init; } = 256;

    /// <summary>
    /// How many projector steps the run keeps. Past it, the oldest but the first is deleted, so the projector compares
    /// the start of training with its latest steps and a long run's disk use stays bounded.
    /// </summary>
    public int MaxSnapshots { get; init; } = 50;

    internal void Validate()
    {
        if (MaxSnapshots < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSnapshots), MaxSnapshots, "MaxSnapshots must be 2 or more (the first and the latest).");
        }

        if (EverySteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EverySteps), EverySteps, "EverySteps must be 1 or more.");
        }

        if (ProbeSize is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(ProbeSize), ProbeSize, "ProbeSize must be between 1 and 10,000.");
        }
    }
}
