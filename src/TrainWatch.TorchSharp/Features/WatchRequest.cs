using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features;

/// <summary>
/// A user's call on <see cref="TrainWatcher"/> that belongs to a feature. The watcher validates it and hands it to every
/// feature (<see cref="IWatchExtension.Receive"/>); the feature it is for acts on it, so the watcher names no feature.
/// </summary>
internal abstract record WatchRequest;

/// <summary>The batch activation maps, saliency and Grad-CAM are drawn for (<see cref="TrainWatcher.SetProbe"/>).</summary>
internal sealed record PictureProbeRequest(Tensor Inputs, Tensor? Labels) : WatchRequest;

/// <summary>The batch whose features the embedding projector shows (<see cref="TrainWatcher.SetProjectorProbe"/>).</summary>
internal sealed record ProjectorProbeRequest(Tensor Inputs, Tensor? Labels) : WatchRequest;

/// <summary>The run's hyper-parameters and final metrics (<see cref="TrainWatcher.LogHParams"/>).</summary>
internal sealed record HParamsRequest(IReadOnlyDictionary<string, object> HParams, IReadOnlyDictionary<string, double>? FinalMetrics) : WatchRequest;
