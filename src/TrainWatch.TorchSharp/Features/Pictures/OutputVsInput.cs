using TrainWatch.Imaging;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// The picture an autoencoder or segmentation user looks at first: each probe input (left) next to the model's output
/// for it (right), one row per probe input (<c>probe/output_vs_input</c>).
/// </summary>
/// <remarks>
/// Both images of a row are scaled by the input's own min–max range, not each by its own: a reconstruction that is
/// too dark, washed out or offset must look so. Output values outside the input's range are clipped to its ends. One
/// channel is shown as gray; other channel counts than 1 or 3 as the gray of their mean.
/// </remarks>
internal static class OutputVsInput
{
    /// <summary>The longer side a probe image is upscaled to (whole factors) so a 28×28 input is not a thumbnail.</summary>
    private const int DisplayPixels = 96;

    /// <summary>Input and output of each probe sample, on the device: <c>[2n, 3, H, W]</c> in [0, 1], input first.</summary>
    public static Tensor Pairs(Tensor probe, Tensor output)
    {
        var input = AsRgb(probe.detach().to(ScalarType.Float32));
        var result = AsRgb(output.detach().to(ScalarType.Float32));
        var low = input.amin([1, 2, 3], keepdim: true);
        var range = (input.amax([1, 2, 3], keepdim: true) - low).clamp_min(DeviceScalars.SmallestScale);
        var shownInput = (input - low) / range;
        var shownOutput = ((result - low) / range).clamp(DeviceScalars.Zero, DeviceScalars.One);
        var pairs = stack([shownInput, shownOutput], 1);
        return pairs.reshape(-1, 3, probe.shape[2], probe.shape[3]);
    }

    /// <summary>The grid of <see cref="Pairs"/> copied to the host: two columns labelled with the sample's index.</summary>
    public static TileGrid Grid(ReadOnlySpan<float> pairs, int count, int height, int width)
    {
        var labels = new string[2 * count];
        for (int i = 0; i < count; i++)
        {
            labels[2 * i] = $"input {i}";
            labels[(2 * i) + 1] = $"output {i}";
        }

        return new TileGrid(pairs, 2 * count, 3, height, width, new TileGridOptions
        {
            Columns = 2,
            Padding = 2,
            Scale = PictureGrids.ScaleFor(height, width, DisplayPixels),
            // Values are already on the input's scale in [0, 1]: one range for the whole grid keeps them as they are.
            NormalizationScope = NormalizationScope.Global,
            DeadThreshold = null,
            Labels = labels,
        });
    }

    private static Tensor AsRgb(Tensor images) =>
        images.shape[1] == 3 ? images : images.mean([1], keepdim: true).expand(-1, 3, -1, -1);
}
