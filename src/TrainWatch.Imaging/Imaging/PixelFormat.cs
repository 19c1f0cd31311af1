namespace TrainWatch.Imaging;

/// <summary>Layouts of raw 8-bit pixel buffers. The values are TensorBoard's <c>Summary.Image.colorspace</c> codes.</summary>
public enum PixelFormat
{
    /// <summary>One byte per pixel.</summary>
    Gray8 = 1,

    /// <summary>Red, green, blue: three bytes per pixel.</summary>
    Rgb24 = 3,

    /// <summary>Red, green, blue, alpha (not premultiplied): four bytes per pixel.</summary>
    Rgba32 = 4,
}

/// <summary>Sizes of the <see cref="PixelFormat"/>s.</summary>
public static class PixelFormatExtensions
{
    /// <summary>Bytes per pixel.</summary>
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.Rgb24 => 3,
        PixelFormat.Rgba32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
    };
}
