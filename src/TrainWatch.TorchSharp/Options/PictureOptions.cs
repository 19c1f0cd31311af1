using TrainWatch.Imaging;

namespace TrainWatch.TorchSharp;

/// <summary>
/// Configures the pictures of the network the watcher writes on its own: conv kernels, fully connected weights,
/// activation maps, saliency and Grad-CAM of a fixed probe batch. Set <see cref="WatchOptions.Pictures"/> to null to
/// turn them off.
/// </summary>
/// <remarks>
/// Pictures are heavier than statistics, so they have their own interval in training steps, <see cref="EverySteps"/>:
/// they are drawn on the first sample step and then on the first sample step at or after each multiple of it. With the
/// defaults (<c>Every = 100</c>, <c>EverySteps = 1000</c>) that is steps 0, 1000, 2000, ...; a finer statistics interval
/// (<c>Every = 1</c>) does not draw them more often.
/// </remarks>
public sealed record PictureOptions
{
    /// <summary>Training steps between two picture steps (see the remarks); 1 draws them on every sample step.</summary>
    public int EverySteps { get; init; } = 1000;

    /// <summary>
    /// How many inputs the probe batch keeps. The probe is taken from the first batch the model sees (through a
    /// forward pre-hook on the root module) unless <see cref="TrainWatcher.SetProbe"/> gives one.
    /// </summary>
    public int ProbeSize { get; init; } = 4;

    /// <summary>Kernel grids of deeper conv layers show the first this-many input channels (one grid row each).</summary>
    public int MaxKernelInputChannels { get; init; } = 8;

    /// <summary>Kernel grids show the first this-many output channels (one grid column each; one tile each for the first layer).</summary>
    public int MaxKernelOutputChannels { get; init; } = 64;

    /// <summary>The first Linear layer's weights, reshaped to the input image, are shown for this many units.</summary>
    public int MaxUnits { get; init; } = 64;

    /// <summary>Activation-map grids show the first this-many channels (one grid column each) of each probe input (one row each).</summary>
    public int MaxActivationChannels { get; init; } = 32;

    /// <summary>Write conv kernel grids and their smoothness scores (<c>kernels/…</c>, <c>kernel_smoothness/…</c>).</summary>
    public bool Kernels { get; init; } = true;

    /// <summary>Write fully connected weight matrices as signed heat maps (<c>heatmaps/…</c>).</summary>
    public bool LinearHeatmaps { get; init; } = true;

    /// <summary>Write activation maps of the probe batch (<c>activation_maps/…</c>).</summary>
    public bool ActivationMaps { get; init; } = true;

    /// <summary>Write saliency maps of the probe batch (<c>saliency/input</c>).</summary>
    public bool Saliency { get; init; } = true;

    /// <summary>Write Grad-CAM of the last conv layer over the probe batch (<c>gradcam/…</c>).</summary>
    public bool GradCam { get; init; } = true;

    /// <summary>
    /// Write the model's output next to each probe input (<c>probe/output_vs_input</c>) when the output has the input's
    /// layout <c>[n, c, H, W]</c>: an autoencoder's reconstruction, a segmentation map.
    /// </summary>
    public bool OutputVsInput { get; init; } = true;

    /// <summary>How saliency and Grad-CAM heat is laid over the probe images ('hot' colours, half transparent).</summary>
    public OverlayOptions Overlay { get; init; } = OverlayOptions.Default;

    internal void Validate()
    {
        Positive(EverySteps, nameof(EverySteps));
        Positive(ProbeSize, nameof(ProbeSize));
        Positive(MaxKernelInputChannels, nameof(MaxKernelInputChannels));
        Positive(MaxKernelOutputChannels, nameof(MaxKernelOutputChannels));
        Positive(MaxUnits, nameof(MaxUnits));
        Positive(MaxActivationChannels, nameof(MaxActivationChannels));
        ArgumentNullException.ThrowIfNull(Overlay, nameof(Overlay));
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"PictureOptions.{name} must be 1 or more.");
        }
    }
}
