namespace TrainWatch.TorchSharp.Pictures;

/// <summary>
/// The tags pictures are written under. The kind comes first so TensorBoard groups one kind of picture for all layers
/// in one section, as the statistics do (<c>kernels/features.0</c>, <c>gradcam/features.4</c>).
/// </summary>
internal static class PictureTags
{
    public static string Kernels(string layer) => $"kernels/{layer}";

    public static string KernelSmoothness(string layer) => $"kernel_smoothness/{layer}";

    public static string Heatmap(string parameter) => $"heatmaps/{parameter}";

    public static string Units(string parameter) => $"heatmaps/{parameter}/units";

    public static string ActivationMaps(string module) => $"activation_maps/{module}";

    public const string Saliency = "saliency/input";

    public static string GradCam(string layer) => $"gradcam/{layer}";

    public const string ProbePredictions = "probe/predictions";

    public const string OutputVsInput = "probe/output_vs_input";
}
