using TrainWatch.TorchSharp.Features;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp;

// The public face of the TensorBoard tabs (Graphs, Custom Scalars, Projector, HParams); the work is in Tabs/, Graph/
// and Projector/.
public sealed partial class TrainWatcher
{
    /// <summary>
    /// Logs this run's hyper-parameters for TensorBoard's HParams tab, in the run's own event file. The tab compares
    /// runs by them, with <c>train/loss</c> and the tags of <paramref name="finalMetrics"/> as metric columns (each final
    /// metric is also written as a scalar at the current step). The run is marked successful when the watcher is disposed.
    /// Call once per run; runs compared together should use the same names. Does nothing on a rank that does not write.
    /// </summary>
    /// <param name="hparams">Names and values: booleans, numbers and strings (anything else is written as text).</param>
    /// <param name="finalMetrics">Extra metric columns and their values (<c>accuracy</c>), if known now.</param>
    /// <exception cref="ArgumentException">No hyper-parameter, or an empty name or metric tag.</exception>
    /// <exception cref="InvalidOperationException">Hyper-parameters were already logged for this run.</exception>
    /// <remarks>After <see cref="Dispose"/> it does nothing.</remarks>
    public void LogHParams(IReadOnlyDictionary<string, object> hparams, IReadOnlyDictionary<string, double>? finalMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        if (_disposed)
        {
            return; // after Dispose every method does nothing (see Dispose)
        }

        Route(new HParamsRequest(hparams, finalMetrics));
    }

    /// <summary>
    /// Sets the batch whose features the embedding projector shows (copied; the same inputs every time, so the points
    /// move as the model learns). Without it, the first inputs of the first forward pass are used. Labels (class indices
    /// or one-hot rows) become the points' metadata next to the model's predictions. Does nothing when
    /// <see cref="WatchOptions.Projector"/> is null.
    /// </summary>
    /// <param name="inputs">Model inputs, batch first, on the model's device.</param>
    /// <param name="labels">One label per input, or null.</param>
    /// <exception cref="ArgumentException">The inputs have no batch dimension or the label count differs.</exception>
    public void SetProjectorProbe(Tensor inputs, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_disposed)
        {
            return;
        }

        Route(new ProjectorProbeRequest(inputs, labels));
    }
}
