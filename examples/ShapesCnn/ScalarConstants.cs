using System.Collections.Concurrent;
using TorchSharp;

namespace TrainWatch.Examples.ShapesCnn;

/// <summary>The numbers the data generator does arithmetic with, each a <see cref="Scalar"/> made once and kept.</summary>
/// <remarks>
/// Why not simply write <c>t * 0.5</c>: in TorchSharp 0.107 that converts 0.5 to a temporary <see cref="Scalar"/>, a
/// finalizable wrapper around a raw native pointer. In optimized code the temporary is dead as soon as TorchSharp has
/// read the pointer, so a garbage collection on another thread (a monitor's writer, say) can free it while libtorch is
/// still reading it: a rare, random "Expected false to be true" from <c>c10::Scalar</c>, seen once in a long benchmark
/// run of this example. Scalars held here are never finalized. (Upstream: dotnet/TorchSharp#1434.)
/// </remarks>
internal static class ScalarConstants
{
    private static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    /// <summary>The kept <see cref="Scalar"/> for <paramref name="value"/>.</summary>
    public static Scalar Const(double value) => Cache.GetOrAdd(value, static v => v);
}
