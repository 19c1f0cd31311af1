using TrainWatch.Imaging;

namespace TrainWatch.Tests.Imaging;

public class RgbaImageTests
{
    [Fact]
    public void Caller_pixels_round_trip_through_png()
    {
        byte[] pixels = [10, 20, 30, 255, 40, 50, 60, 128];

        var image = RgbaImage.FromPixels(pixels, 2, 1);
        pixels[0] = 99; // copied: the image must not change
        using var png = DecodedPng.Of(image);

        Assert.Equal(new Rgba(10, 20, 30), png[0, 0]);
        Assert.Equal(new Rgba(40, 50, 60, 128), png[1, 0]);
        Assert.Throws<ArgumentException>(() => RgbaImage.FromPixels(pixels, 3, 1));
    }
}
