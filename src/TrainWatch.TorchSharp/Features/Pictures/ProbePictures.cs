using TrainWatch.Imaging;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// Turns a <see cref="ProbeOutputs"/> into pictures: activation-map grids (<c>activation_maps/&lt;module&gt;</c>),
/// saliency and Grad-CAM over the probe images (<c>saliency/input</c>, <c>gradcam/&lt;layer&gt;</c>), and the predicted
/// classes as text (<c>probe/predictions</c>). Images are scaled, upscaled and laid out channels-last on the device;
/// the writer's deferred builders blend, draw and encode (on the training thread, for the watcher: docs/reliability.md).
/// </summary>
internal sealed class ProbePictures
{
    /// <summary>Probe images smaller than this on their longer side are upscaled (whole factors, at most 8×) for display.</summary>
    private const int DisplayPixels = 128;

    private readonly List<(string Module, HostSlice Values, int Inputs, int Channels, int Height, int Width)> _maps = [];
    private HostSlice? _images;
    private HostSlice? _saliency;
    private (string Layer, HostSlice Values)? _gradCam;
    private HostSlice? _predictions;
    private HostSlice? _labels;
    private (HostSlice Values, int Count, int Height, int Width)? _outputVsInput;
    private int _count, _height, _width;

    /// <summary>Prepares everything on the device and queues it for the host copy.</summary>
    public static ProbePictures Prepare(ProbeOutputs outputs, Tensor probe, Tensor? labels, PictureTransfer transfer)
    {
        var pictures = new ProbePictures();
        foreach (var (module, map) in outputs.ActivationMaps)
        {
            pictures._maps.Add((module, transfer.Add(map), (int)map.shape[0], (int)map.shape[1], (int)map.shape[2], (int)map.shape[3]));
        }

        if (outputs.Predictions is { } predicted)
        {
            pictures._predictions = transfer.Add(predicted);
            pictures._labels = labels is not null && labels.numel() == predicted.numel() ? transfer.Add(labels.reshape(-1)) : null;
        }

        if (outputs.ImageOutput is { } imageOutput)
        {
            var pairs = OutputVsInput.Pairs(probe, imageOutput);
            pictures._outputVsInput = (transfer.Add(pairs), (int)probe.shape[0], (int)probe.shape[2], (int)probe.shape[3]);
        }

        if (outputs.Saliency is null && outputs.GradCam is null)
        {
            return pictures;
        }

        int height = (int)probe.shape[2], width = (int)probe.shape[3];
        int scale = Math.Clamp((DisplayPixels + Math.Max(height, width) - 1) / Math.Max(height, width), 1, 8);
        long[] display = [height * scale, width * scale];
        pictures._count = (int)probe.shape[0];
        (pictures._height, pictures._width) = (height * scale, width * scale);
        pictures._images = transfer.Add(DisplayImages(probe, display));
        if (outputs.Saliency is { } saliency)
        {
            // Nearest: a saliency map is per pixel, and blurring it would invent detail between input pixels.
            var upscaled = nn.functional.interpolate(saliency.unsqueeze(1), display, mode: InterpolationMode.Nearest);
            pictures._saliency = transfer.Add(upscaled);
        }

        if (outputs.GradCam is { } gradCam)
        {
            // Bilinear, straight from the conv layer's resolution to the displayed input size, as Grad-CAM is usually shown.
            var upscaled = nn.functional.interpolate(gradCam.Cam, display, mode: InterpolationMode.Bilinear, align_corners: false);
            pictures._gradCam = (gradCam.Layer, transfer.Add(upscaled));
        }

        return pictures;
    }

    /// <summary>Hands the copied values to the writer; drawing and encoding happen on its thread.</summary>
    public void Write(SummaryWriter writer, float[] host, long step, OverlayOptions overlay)
    {
        foreach (var map in _maps)
        {
            writer.AddImageGrid(PictureTags.ActivationMaps(map.Module), PictureGrids.ActivationMaps(map.Values.In(host), map.Inputs, map.Channels, map.Height, map.Width), step);
        }

        if (_predictions is { } predictions)
        {
            writer.AddText(PictureTags.ProbePredictions, PredictionTable(predictions.In(host), _labels is { } l ? l.In(host) : default), step);
        }

        if (_outputVsInput is { } pairs)
        {
            writer.AddImageGrid(PictureTags.OutputVsInput, OutputVsInput.Grid(pairs.Values.In(host), pairs.Count, pairs.Height, pairs.Width), step);
        }

        if (_images is not { } imageSlice)
        {
            return;
        }

        float[] images = imageSlice.In(host).ToArray();
        (int count, int height, int width) = (_count, _height, _width);
        if (_saliency is { } saliency)
        {
            AddStrip(writer, PictureTags.Saliency, images, saliency.In(host).ToArray(), count, height, width, overlay, step);
        }

        if (_gradCam is { } gradCam)
        {
            AddStrip(writer, PictureTags.GradCam(gradCam.Layer), images, gradCam.Values.In(host).ToArray(), count, height, width, overlay, step);
        }
    }

    private static void AddStrip(SummaryWriter writer, string tag, float[] images, float[] heat, int count, int height, int width, OverlayOptions overlay, long step)
    {
        string checkedTag = SummaryTag.Validate(tag);
        writer.AddDeferred(step, () => ImageSummary.Build(checkedTag, OverlayStrip.Render(images, heat, count, height, width, overlay).EncodePng()), (images.Length + heat.Length) * 4L);
    }

    /// <summary>
    /// The probe images as <c>[n, h, w, 3]</c> in [0, 1] at display size: each image on its own min–max range; one
    /// channel shown as gray, other channel counts than 1 or 3 as the gray of their mean.
    /// </summary>
    private static Tensor DisplayImages(Tensor probe, long[] display)
    {
        var images = probe.detach().to(ScalarType.Float32);
        if (images.shape[1] != 3)
        {
            images = images.mean([1], keepdim: true).expand(-1, 3, -1, -1);
        }

        var low = images.amin([1, 2, 3], keepdim: true);
        var high = images.amax([1, 2, 3], keepdim: true);
        images = (images - low) / (high - low).clamp_min(DeviceScalars.SmallestScale);
        images = nn.functional.interpolate(images, display, mode: InterpolationMode.Nearest);
        return images.permute(0, 2, 3, 1);
    }

    private static string PredictionTable(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels)
    {
        var text = new System.Text.StringBuilder(labels.IsEmpty ? "| probe input | predicted |\n|---|---|\n" : "| probe input | predicted | label |\n|---|---|---|\n");
        for (int i = 0; i < predictions.Length; i++)
        {
            text.Append(labels.IsEmpty ? $"| {i} | {predictions[i]} |\n" : $"| {i} | {predictions[i]} | {labels[i]} |\n");
        }

        return text.ToString();
    }
}
