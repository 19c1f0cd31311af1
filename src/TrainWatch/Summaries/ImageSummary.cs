using Google.Protobuf;
using TrainWatch.Protos;

namespace TrainWatch.Summaries;

/// <summary>Pure functions for image summaries (<c>Summary.Image</c> holding a PNG).</summary>
public static class ImageSummary
{
    /// <summary>An image value from PNG bytes; the size and colour space are read from the PNG header.</summary>
    /// <exception cref="ArgumentException">The bytes are not a PNG.</exception>
    public static Summary.Types.Value FromPng(string tag, ReadOnlySpan<byte> png)
    {
        var header = PngHeader.Read(png);
        return new Summary.Types.Value
        {
            Tag = SummaryTag.Validate(tag),
            Image = new Summary.Types.Image
            {
                Width = header.Width,
                Height = header.Height,
                Colorspace = header.Colorspace,
                EncodedImageString = ByteString.CopyFrom(png),
            },
        };
    }

    /// <summary>A summary of one PNG image.</summary>
    public static Summary Build(string tag, ReadOnlySpan<byte> png) => new() { Value = { FromPng(tag, png) } };
}
