using TorchSharp;
using static TorchSharp.torch;
using static TrainWatch.Examples.ShapesCnn.ScalarConstants;

namespace TrainWatch.Examples.ShapesCnn;

/// <summary>
/// An endless, seeded stream of labelled 3×32×32 images of simple shapes (circle, square, triangle, cross, ring,
/// bar) with random position, size, colours and pixel noise. Needs no download and no files.
/// </summary>
/// <remarks>
/// A whole batch is drawn with a handful of tensor ops on the chosen device: every pixel's coordinates relative to
/// each image's shape centre and size are computed by broadcasting, every class's mask is evaluated on them, and
/// each image keeps the mask of its own label. Calling TorchSharp per pixel from managed code would be orders of
/// magnitude slower than the training step it feeds.
/// Images are RGB (not greyscale) so that the first convolution's kernels can be drawn as colour images.
/// </remarks>
public sealed class ShapesDataset : IDisposable
{
    public const int ImageSize = 32;
    public const int ChannelCount = 3;

    /// <summary>Class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["circle", "square", "triangle", "cross", "ring", "bar"];

    public static int ClassCount => ClassNames.Count;

    // Shape centres stay within ±MaxCentreOffset and half-extents within [MinRadius, MaxRadius] (in the [-1, 1]
    // image coordinate system), so that every shape fits inside the image and is at least ~10 pixels across.
    private const double MaxCentreOffset = 0.4;
    private const double MinRadius = 0.3;
    private const double MaxRadius = 0.6;

    // Backgrounds are dark and shapes bright (or, for half the images, the other way round), per channel, so the
    // shape always stands out but brightness alone never gives the class away.
    private const double DarkColourMax = 0.4;
    private const double BrightColourMin = 0.6;
    private const double PixelNoiseStd = 0.1;

    private readonly Generator _generator;
    private readonly Device _device;
    private readonly Tensor _pixelX; // [1, 1, W]: x of every pixel centre, in [-1, 1]
    private readonly Tensor _pixelY; // [1, H, 1]: y of every pixel centre, in [-1, 1], growing downwards

    /// <param name="seed">The same seed on the same device gives the same sequence of batches.</param>
    /// <param name="device">Where batches are generated (and returned); no host-to-device copies are needed.</param>
    public ShapesDataset(ulong seed, Device device)
    {
        _device = device;
        _generator = new Generator(seed, device);

        // Kept for the dataset's lifetime: detached so a dispose scope active at construction cannot free them.
        double halfPixel = 1.0 / ImageSize;
        using var centres = linspace(-1 + halfPixel, 1 - halfPixel, ImageSize, dtype: ScalarType.Float32, device: device);
        _pixelX = centres.reshape(1, 1, ImageSize).DetachFromDisposeScope();
        _pixelY = centres.reshape(1, ImageSize, 1).DetachFromDisposeScope();
    }

    /// <summary>
    /// Draws the next batch: images [batchSize, 3, 32, 32] float32, normalised to roughly [-1, 1], and labels
    /// [batchSize] int64 in [0, <see cref="ClassCount"/>).
    /// </summary>
    /// <remarks>Both tensors join the caller's dispose scope, if any; all intermediates are freed here.</remarks>
    public (Tensor Images, Tensor Labels) NextBatch(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var scope = NewDisposeScope();

        var labels = randint(0, ClassCount, [batchSize], dtype: ScalarType.Int64, device: _device, generator: _generator);
        var shapeMask = DrawShapeMasks(batchSize, labels);

        var dark = Uniform([batchSize, ChannelCount, 1, 1], 0, DarkColourMax);
        var bright = Uniform([batchSize, ChannelCount, 1, 1], BrightColourMin, 1);
        var brightShape = Uniform([batchSize, 1, 1, 1], 0, 1) < Const(0.5);
        var background = where(brightShape, dark, bright);
        var foreground = where(brightShape, bright, dark);

        var noise = randn([batchSize, ChannelCount, ImageSize, ImageSize], dtype: ScalarType.Float32, device: _device, generator: _generator);
        // background + mask * (foreground - background) + std * noise, written without operators: TorchSharp's a + b
        // makes a temporary Scalar (alpha = 1) each time; see ScalarConstants.
        var images = background.lerp(foreground, shapeMask).add_(noise, Const(PixelNoiseStd)).clamp_(Const(0), Const(1));

        // [0, 1] -> [-1, 1]: zero-centred inputs are what the layers' default initialisation assumes.
        var normalised = images.mul(Const(2)).sub(Const(1));
        return (normalised.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>[batchSize, 1, H, W] float mask (1 inside the shape) of each image's own class.</summary>
    private Tensor DrawShapeMasks(int batchSize, Tensor labels)
    {
        var centreX = Uniform([batchSize, 1, 1], -MaxCentreOffset, MaxCentreOffset);
        var centreY = Uniform([batchSize, 1, 1], -MaxCentreOffset, MaxCentreOffset);
        var radius = Uniform([batchSize, 1, 1], MinRadius, MaxRadius);

        // Pixel coordinates in each shape's own frame: the shape spans roughly [-1, 1] in u and v. [B, H, W]
        var u = (_pixelX - centreX) / radius;
        var v = (_pixelY - centreY) / radius;
        var absU = u.abs();
        var absV = v.abs();
        var squaredDistance = u.mul(u).add(v.mul(v), Const(1)); // compared with squared radii: no sqrt needed

        // One mask per class, in ClassNames order.
        var circle = squaredDistance <= Const(1.0);
        var square = maximum(absU, absV) <= Const(0.8);
        // Apex up at v = -0.9, base at v = 0.8; the half-width grows linearly from apex to base.
        var triangle = (v >= Const(-0.9)) & (v <= Const(0.8)) & (absU <= v.add(Const(0.9), Const(1)).mul_(Const(0.95 / 1.7)));
        var cross = ((absU <= Const(0.25)) & (absV <= Const(0.9))) | ((absV <= Const(0.25)) & (absU <= Const(0.9)));
        var ring = (squaredDistance <= Const(1.0)) & (squaredDistance >= Const(0.6 * 0.6));
        var bar = (absU <= Const(1.0)) & (absV <= Const(0.3));

        var allMasks = stack([circle, square, triangle, cross, ring, bar], dim: 1); // [B, C, H, W]
        var labelIndex = labels.reshape(batchSize, 1, 1, 1).expand(batchSize, 1, ImageSize, ImageSize);
        return allMasks.gather(1, labelIndex).to(ScalarType.Float32);
    }

    private Tensor Uniform(long[] shape, double low, double high) =>
        rand(shape, dtype: ScalarType.Float32, device: _device, generator: _generator).mul_(Const(high - low)).add_(Const(low), Const(1));

    public void Dispose()
    {
        _pixelX.Dispose();
        _pixelY.Dispose();
        _generator.Dispose();
    }
}
