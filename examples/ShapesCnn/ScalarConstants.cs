using System.Collections.Concurrent;
using TorchSharp;

namespace TrainWatch.Examples.ShapesCnn;

/// <summary>The numbers the data generator does arithmetic with, each a <see cref="Scalar"/> made once and kept.</summary>
/// <remarks>
/// Why not simply write <c>t * 0.5</c>: in TorchSharp 0.107 that converts 0.5 to a temporary <see cref="Scalar"/>, a
/// finalizable wrapper around a raw native pointer. In optimized code the temporary is dead as soon as TorchSharp has
/// read the pointer, so a garbage collection on another thread (a monitor's writer, say) can free it while libtorch is
/// still reading it: a rare, random "Expected false to be true" from <c>c10::Scalar</c>, seen once in a long benchmark
/// run of this example. Scalars held here are never finalized. (Upstream: dotnet/TorchSharp#1434.) TorchSharp also
/// makes temporaries inside some methods: <c>a + b</c> and <c>t + scalar</c> pass <c>alpha: 1</c>, so the generator calls
/// <c>add_(b, Const(1))</c> or <c>lerp</c> instead. A test reads this assembly's IL to keep it that way.
/// </remarks>
internal static class ScalarConstants
{
    private static readonly ConcurrentDictionary<double, Scalar> s_cache = new();

    /// <summary>The kept <see cref="Scalar"/> for <paramref name="value"/>.</summary>
    public static Scalar Const(double value) => s_cache.GetOrAdd(value, static v => v);
}
