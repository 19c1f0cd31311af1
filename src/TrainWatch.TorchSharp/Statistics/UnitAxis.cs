using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Which dimension of a module's output holds its units — the features or channels that "dead units" counts. The
/// rule (stated in the README):
/// <list type="bullet">
/// <item>rank 2 (<c>[batch, features]</c>): dimension 1;</item>
/// <item>convolution, pooling, batch/instance/group norm, padding, upsampling (<c>[N, C, ...]</c>): dimension 1;</item>
/// <item>Linear, Bilinear, Embedding, recurrent layers, LayerNorm, attention (<c>[..., features]</c>, e.g. a
/// batch-first sequence <c>[B, T, F]</c>): the last dimension;</item>
/// <item>anything else (activations, dropout, a user's module): the axis of the module that ran just before it when
/// that one's output had the same shape (a ReLU after a conv, or after a Linear on a sequence); otherwise dimension 1
/// for rank 4 and up (images), the last dimension for rank 3 (sequences).</item>
/// </list>
/// Rank 0 and 1 outputs have no units.
/// </summary>
internal static class UnitAxis
{
    /// <summary>No unit axis: the output is a scalar or a vector.</summary>
    public const int None = -1;

    private static readonly string[] s_channelFirstPrefixes =
    [
        "Conv", "BatchNorm", "InstanceNorm", "GroupNorm", "LocalResponseNorm", "MaxPool", "AvgPool", "AdaptiveAvgPool",
        "AdaptiveMaxPool", "LPPool", "FractionalMaxPool", "MaxUnpool", "Upsample", "PixelShuffle", "PixelUnshuffle",
        "ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "Dropout2d", "Dropout3d", "Dropout1d",
    ];

    private static readonly string[] s_featureLastPrefixes =
    [
        "Linear", "Bilinear", "LazyLinear", "Embedding", "RNN", "GRU", "LSTM", "LayerNorm", "RMSNorm", "MultiheadAttention",
        "Transformer",
    ];

    /// <summary>The unit axis of an output of <paramref name="shape"/> from a module of type <paramref name="moduleType"/>.</summary>
    /// <param name="moduleType">The module's type name (<c>Conv2d</c>, <c>GRU</c>, a user's class).</param>
    /// <param name="shape">The output's shape.</param>
    /// <param name="previous">The output shape and axis of the measured module that ran just before, if any.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int For(string moduleType, long[] shape, (long[] Shape, int Axis)? previous)
    {
        int rank = shape.Length;
        if (rank < 2)
        {
            return None;
        }

        if (rank == 2)
        {
            return 1;
        }

        if (StartsWithAny(moduleType, s_channelFirstPrefixes))
        {
            return 1;
        }

        if (StartsWithAny(moduleType, s_featureLastPrefixes))
        {
            return rank - 1;
        }

        if (previous is { } before && before.Axis != None && before.Shape.AsSpan().SequenceEqual(shape))
        {
            return before.Axis;
        }

        return rank >= 4 ? 1 : rank - 1;
    }

    // Runs in the forward hook for every measured output: a plain loop, no closure.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool StartsWithAny(string name, string[] prefixes)
    {
        foreach (string prefix in prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
