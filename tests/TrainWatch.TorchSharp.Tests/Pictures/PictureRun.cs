using SkiaSharp;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.TorchSharp.Tests.Support;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Pictures;

/// <summary>Helpers shared by the picture tests: quiet watcher options, PNG decoding.</summary>
internal static class PictureRun
{
    public static WatchOptions Options(int every, PictureOptions? pictures = null, ListLogger? logger = null) => new()
    {
        Every = every,
        AlertsToConsole = false,
        Logger = logger ?? new ListLogger(),
        Pictures = pictures ?? new PictureOptions(),
    };

    /// <summary>The decoded PNG of the one image written under <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public static SKBitmap Image(IReadOnlyList<(long Step, Summary.Types.Value Value)> values, string tag, long step)
    {
        var value = Assert.Single(values, v => v.Step == step && v.Value.Tag == tag).Value;
        Assert.NotNull(value.Image);
        return SKBitmap.Decode(value.Image.EncodedImageString.ToByteArray()) ?? throw new InvalidOperationException($"{tag}: not a PNG");
    }

    public static Rgba Pixel(SKBitmap bitmap, int x, int y)
    {
        var c = bitmap.GetPixel(x, y);
        return new Rgba(c.Red, c.Green, c.Blue, c.Alpha);
    }
}
