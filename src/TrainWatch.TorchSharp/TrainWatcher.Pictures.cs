using TrainWatch.TorchSharp.Features;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp;

public sealed partial class TrainWatcher
{
    /// <summary>Picture steps written and the host copies they made (tests prove one copy per picture step).</summary>
    internal (long Steps, long HostCopies) PictureCounts
    {
        get
        {
            var counters = _extensions.Aggregate(default(ExtensionCounters), (sum, e) => sum + e.Counters);
            return (counters.PictureSteps, counters.HostCopies);
        }
    }

    /// <summary>
    /// Sets the probe batch that activation maps, saliency and Grad-CAM are drawn for, for the rest of the run (the first
    /// <see cref="PictureOptions.ProbeSize"/> inputs are kept, copied). Without it the watcher takes the probe from the
    /// first batch the model sees. <paramref name="labels"/>, if given, are written next to the predicted classes.
    /// </summary>
    /// <param name="inputs">A batch shaped as the model's input (<c>[N, C, H, W]</c> for images), on the model's device.</param>
    /// <param name="labels">The true class of each input, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> has no batch dimension or is empty.</exception>
    public void SetProbe(Tensor inputs, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_disposed)
        {
            return; // after Dispose every method does nothing (see Dispose)
        }

        if (inputs.dim() < 1 || inputs.shape[0] < 1)
        {
            throw new ArgumentException("The probe needs a batch dimension with at least one input.", nameof(inputs));
        }

        Route(new PictureProbeRequest(inputs, labels));
    }
}
