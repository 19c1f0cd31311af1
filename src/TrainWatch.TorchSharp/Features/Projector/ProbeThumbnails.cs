using TrainWatch.Imaging;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Features.Projector;

/// <summary>
/// The projector's sprite from image-shaped probe inputs (N×C×H×W floats): one min–max range over the whole probe (so
/// brightness compares across points), one channel as grey, three as RGB, otherwise the first channel as grey.
/// </summary>
internal static class ProbeThumbnails
{
    /// <summary>The sprite, or null when the inputs are not images or the sprite would be too large.</summary>
    public static SpriteSheet? TryBuild(Tensor inputs)
    {
        if (inputs.dim() != 4)
        {
            return null;
        }

        int count = (int)inputs.shape[0];
        int channels = (int)inputs.shape[1];
        int height = (int)inputs.shape[2];
        int width = (int)inputs.shape[3];
        int columns = (int)Math.Ceiling(Math.Sqrt(count));
        if ((long)columns * Math.Max(height, width) > SpriteSheet.MaxSize)
        {
            return null;
        }

        float[] values;
        using (var scope = NewDisposeScope())
        {
            values = inputs.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }

        var range = Normalization.FiniteRange(values) ?? (0f, 1f);
        float scale = range.Max > range.Min ? 255f / (range.Max - range.Min) : 0f;
        int plane = height * width;
        var rgb = new byte[(long)count * plane * 3];
        for (int n = 0; n < count; n++)
        {
            for (int p = 0; p < plane; p++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int channel = channels == 3 ? c : 0;
                    float v = values[(((long)n * channels) + channel) * plane + p];
                    float scaled = float.IsFinite(v) ? (v - range.Min) * scale : 0f;
                    rgb[(((long)n * plane) + p) * 3 + c] = (byte)Math.Clamp(MathF.Round(scaled), 0f, 255f);
                }
            }
        }

        return SpriteSheet.Build(rgb, count, height, width);
    }
}
