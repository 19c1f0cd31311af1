using System.Collections.Concurrent;
using TorchSharp;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// The constants TrainWatch's device code hands to libtorch, each created once and kept for the life of the process.
/// </summary>
/// <remarks>
/// Why not write <c>t.eq(0)</c>: the implicit conversion makes a temporary <see cref="Scalar"/>, a finalizable wrapper
/// around a raw native pointer. In optimized code the temporary is dead as soon as TorchSharp has read its pointer, so a
/// garbage collection started by another thread (the event writer's, say) can finalize it and free the native scalar
/// while libtorch is still reading it. The result is a failed sample ("Expected false to be true" from
/// <c>c10::Scalar::toDouble</c>, seen once in a 100,000-step soak), or silently a wrong constant. A scalar held by a
/// static field is never finalized. TorchSharp makes such temporaries inside some of its own methods too
/// (<c>square()</c> is <c>pow(2)</c>; <c>a + b</c> and <c>add_(b)</c> pass <c>alpha: 1</c>), so the device code avoids
/// those; <c>TemporaryScalarAuditTests</c> reads this assembly's IL to keep it that way.
/// </remarks>
internal static class DeviceScalars
{
    public static readonly Scalar Zero = 0;

    public static readonly Scalar MinusOne = -1;

    public static readonly Scalar One = 1;

    public static readonly Scalar PositiveInfinity = double.PositiveInfinity;

    public static readonly Scalar NegativeInfinity = double.NegativeInfinity;

    /// <summary>The smallest value range a histogram divides by (a constant tensor has range 0).</summary>
    public static readonly Scalar SmallestRange = 1e-30;

    /// <summary>The smallest maximum a picture is scaled by (an all-zero map stays zero instead of NaN).</summary>
    public static readonly Scalar SmallestScale = 1e-12;

    /// <summary>The centre of a sigmoid's range.</summary>
    public static readonly Scalar SigmoidCentre = Saturation.SigmoidCentre;

    /// <summary>How far from its centre a sigmoid output counts as saturated (below 0.01 or above 0.99).</summary>
    public static readonly Scalar SigmoidSaturation = Saturation.SigmoidLimit;

    /// <summary>How far from zero a tanh output counts as saturated (|y| above 0.99).</summary>
    public static readonly Scalar TanhSaturation = Saturation.TanhLimit;

    /// <summary>The smallest normal float32 (and bfloat16) magnitude, 2⁻¹²⁶: anything nonzero below it is denormal.</summary>
    public static readonly Scalar SmallestNormalSingle = 1.1754943508222875e-38;

    /// <summary>The smallest normal float64 magnitude, 2⁻¹⁰²².</summary>
    public static readonly Scalar SmallestNormalDouble = 2.2250738585072014e-308;

    /// <summary>The smallest normal float16 magnitude, 2⁻¹⁴.</summary>
    public static readonly Scalar SmallestNormalHalf = 6.103515625e-05;

    private static readonly ConcurrentDictionary<int, Scalar> s_integers = new();

    /// <summary>
    /// A constant that changes with the tensor (a histogram's scale factor), owned by the caller: hold it in a
    /// <c>using</c> around the ops that read it, so it is alive while libtorch reads it and freed once they return.
    /// </summary>
    public static Scalar Owned(double value) => value;

    /// <summary>An integer constant such as a bucket count; one instance per value.</summary>
    public static Scalar Of(int value) => s_integers.GetOrAdd(value, static v => v);
}
