using TrainWatch.Imaging;

namespace TrainWatch.TorchSharp.Features.Pictures;

/// <summary>
/// The tile-grid layouts of the watcher's pictures, in one place so their geometry (tile size, columns, colours) is
/// consistent and the tests can find a tile's pixels.
/// </summary>
internal static class PictureGrids
{
    /// <summary>
    /// First-layer kernels of an RGB network: <c>count</c> tiles of <c>[3, kh, kw]</c> shown as colour, each tile on its
    /// own min–max range (the pattern of every filter is visible, whatever its norm).
    /// </summary>
    public static TileGrid RgbKernels(ReadOnlySpan<float> values, int count, int height, int width) =>
        new(values, count, 3, height, width, new TileGridOptions { Scale = ScaleFor(height, width, 24) });

    /// <summary>
    /// Deeper kernels (and a decoder's): row <c>i</c> is input channel <c>i</c>, column <c>o</c> output channel <c>o</c>;
    /// values laid out <c>[inputs, outputs, kh, kw]</c>. Signed, on the diverging map with zero at its white midpoint and
    /// one range for the whole layer, so a kernel's sign and its strength against the others can be read; the key
    /// under the grid (<see cref="ColorKey"/>) gives that range. Tiles are at least 16 pixels, larger when few (a grid
    /// aims at 256 pixels wide), so a 1-input layer is not a 14-pixel strip.
    /// </summary>
    public static TileGrid GrayKernels(ReadOnlySpan<float> values, int inputs, int outputs, int height, int width) =>
        new(values, inputs * outputs, 1, height, width, new TileGridOptions
        {
            Columns = outputs,
            Scale = ScaleFor(height, width, Math.Clamp(256 / outputs, 16, 32)),
            ColorMap = ColorMap.Diverging,
            Normalization = NormalizationMode.Symmetric,
            NormalizationScope = NormalizationScope.Global,
        });

    /// <summary>The largest |value| of <paramref name="values"/> (finite ones), the bound <see cref="GrayKernels"/> maps to its ends.</summary>
    public static float LargestMagnitude(ReadOnlySpan<float> values)
    {
        float largest = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                largest = Math.Max(largest, Math.Abs(v));
            }
        }

        return largest;
    }

    /// <summary>
    /// Activation maps: row <c>n</c> is probe input <c>n</c>, column <c>c</c> channel <c>c</c>; values laid out
    /// <c>[inputs, channels, h, w]</c>. Each map on its own range (viridis); an all-zero map gets the dead marker.
    /// </summary>
    public static TileGrid ActivationMaps(ReadOnlySpan<float> values, int inputs, int channels, int height, int width) =>
        new(values, inputs * channels, 1, height, width, new TileGridOptions
        {
            Columns = channels,
            Scale = ScaleFor(height, width, 32),
            DeadThreshold = 0f,
            Labels = ChannelLabels(inputs, channels),
        });

    /// <summary>Each tile's channel number ("c7"), so a map can be matched with its kernel column and its statistics.</summary>
    private static string[] ChannelLabels(int inputs, int channels) =>
        Enumerable.Range(0, inputs * channels).Select(i => $"c{i % channels}").ToArray();

    /// <summary>
    /// First Linear layer's units reshaped to the input image, <c>[units, channels, h, w]</c> with 1 or 3 channels:
    /// RGB on each unit's own range, or one channel on the diverging map with zero at its white midpoint.
    /// </summary>
    public static TileGrid Units(ReadOnlySpan<float> values, int units, int channels, int height, int width) =>
        new(values, units, channels, height, width, new TileGridOptions
        {
            Scale = ScaleFor(height, width, 32),
            ColorMap = ColorMap.Diverging,
            Normalization = channels == 1 ? NormalizationMode.Symmetric : NormalizationMode.MinMax,
        });

    /// <summary>The whole upscaling factor that makes a tile at least <paramref name="pixels"/> on its longer side (1–16).</summary>
    public static int ScaleFor(int height, int width, int pixels) =>
        Math.Clamp((pixels + Math.Max(height, width) - 1) / Math.Max(height, width), 1, 16);
}
