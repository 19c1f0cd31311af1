using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainWatch.Examples.FaultZoo.Models;

/// <summary>
/// Generated, learnable data for the zoo's models. Constants are kept Scalars: a temporary Scalar can be freed by a
/// garbage collection on another thread while libtorch still reads it (see docs/reliability.md).
/// </summary>
public static class SyntheticData
{
    private static readonly Scalar s_noise = 0.5f;
    private static readonly Scalar s_signal = 2.0f;
    private static readonly Scalar s_threshold = 0.0f;
    private static readonly Scalar s_one = 1.0f;

    /// <summary>Points around one centre per class: [size, features] and their class.</summary>
    public static (Tensor X, Tensor Y) Clusters(int size, int features, int classes, Generator generator)
    {
        var y = randint(0, classes, [size], generator: generator);
        var centres = functional.one_hot(y, features).to(ScalarType.Float32);
        var x = randn([size, features], generator: generator).mul_(s_noise).add_(centres, s_signal);
        return (x, y);
    }

    /// <summary>Images [size, 3, side, side] whose class is the brightest channel.</summary>
    public static (Tensor X, Tensor Y) ColourImages(int size, int side, Generator generator)
    {
        var y = randint(0, 3, [size], generator: generator);
        var x = randn([size, 3, side, side], generator: generator).mul_(s_noise);
        x.add_(functional.one_hot(y, 3).to(ScalarType.Float32).reshape(size, 3, 1, 1), s_signal);
        return (x, y);
    }

    /// <summary>Images [size, 1, side, side] and per-pixel masks [size, side, side]: class 1 where the image is bright.</summary>
    public static (Tensor X, Tensor Y) Segmentation(int size, int side, Generator generator)
    {
        var clean = randn([size, 1, side, side], generator: generator);
        var y = clean.gt(s_threshold).squeeze(1).to(ScalarType.Int64);
        var x = clean.add(randn([size, 1, side, side], generator: generator).mul_(s_noise), s_one); // alpha given: no temporary Scalar
        return (x, y);
    }

    /// <summary>Sequences [size, steps, features]: the class is which feature carries a pulse somewhere in time.</summary>
    public static (Tensor X, Tensor Y) PulseSequences(int size, int steps, int features, int classes, Generator generator)
    {
        var y = randint(0, classes, [size], generator: generator);
        var x = randn([size, steps, features], generator: generator).mul_(s_noise);
        var pulse = functional.one_hot(y, features).to(ScalarType.Float32).unsqueeze(1); // [size, 1, features]
        x.add_(pulse, s_signal);
        return (x, y);
    }
}
