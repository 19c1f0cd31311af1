namespace TrainWatch.RunFormat;

/// <summary>
/// The tags the watcher's pictures are written under. The kind comes first so TensorBoard groups one kind of picture
/// for all layers in one section, as the statistics do (<c>kernels/features.0</c>, <c>gradcam/features.4</c>).
/// </summary>
public static class PictureTags
{
    /// <summary>Input saliency of the probe batch.</summary>
    public const string Saliency = "saliency/input";

    /// <summary>The probe batch's predictions, as a text table.</summary>
    public const string ProbePredictions = "probe/predictions";

    /// <summary>The probe batch's outputs beside its inputs (models whose output is an image).</summary>
    public const string OutputVsInput = "probe/output_vs_input";

    /// <summary>A convolution's kernels.</summary>
    public static string Kernels(string layer) => $"kernels/{layer}";

    /// <summary>How smooth a convolution's kernels are.</summary>
    public static string KernelSmoothness(string layer) => $"kernel_smoothness/{layer}";

    /// <summary>A weight matrix as a heatmap.</summary>
    public static string Heatmap(string parameter) => $"heatmaps/{parameter}";

    /// <summary>A weight matrix's rows as unit pictures.</summary>
    public static string Units(string parameter) => $"heatmaps/{parameter}/units";

    /// <summary>A module's output channels as pictures.</summary>
    public static string ActivationMaps(string module) => $"activation_maps/{module}";

    /// <summary>Grad-CAM of a convolution for the probe batch.</summary>
    public static string GradCam(string layer) => $"gradcam/{layer}";
}
