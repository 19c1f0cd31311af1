using System.Runtime.CompilerServices;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Reduces one module output to its statistics row where it lives, inside the forward hook that saw it: the output
/// itself is not kept alive past its module call, only the row (and a reference for a robust recomputation).
/// </summary>
/// <remarks>
/// Why in the hook, and not later in one batch at <c>Step</c>: a kept output can change before then. An in-place op
/// after the module (<c>ReLU(inplace: true)</c> after a conv, a user's <c>x.add_(…)</c>) rewrites the very tensor the
/// hook saw, and TorchSharp 0.107 exposes no version counter to tell that it happened, so a deferred reduction would
/// silently measure the next module's values. On a CPU the hook's work is small: host kernels read the output in
/// place and the row stays a host array, with no libtorch op and no tensor made.
/// </remarks>
internal static class ActivationStatistics
{
    /// <summary>The fast row of <paramref name="output"/> (and its saturation count for sigmoid and tanh), owned by the caller.</summary>
    /// <param name="name">The output's name: the module path, or path/suffix for a tuple element.</param>
    /// <param name="modulePath">The module's path (<c>""</c> for the model itself).</param>
    /// <param name="moduleType">The module's type name, which decides whether saturation is counted.</param>
    /// <param name="output">The output tensor (not owned).</param>
    /// <param name="shape">The output's shape, read once by the caller.</param>
    /// <param name="unitAxis">The dimension holding the units (<see cref="UnitAxis"/>).</param>
    /// <param name="settings">How activations are measured.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RecordedActivation Reduce(string name, string modulePath, string moduleType, Tensor output, long[] shape, int unitAxis, ActivationSettings settings)
    {
        var rowShape = DeviceStatistics.ShapeOf(shape, unitAxis, settings.SampleLimit);
        bool saturates = Saturation.Applies(moduleType);
        if (settings.HostKernels && HostView.Applies(output))
        {
            double[] row = HostRows.FastRow(output, shape, settings.Bins, unitAxis, settings.SampleLimit, settings.HistogramLimit);
            double[]? robust = null;
            if (!StatisticsRow.FastRowIsFinite(row))
            {
                using var robustScope = NewDisposeScope();
                robust = DeviceStatistics.RobustRow(output, settings.Bins, unitAxis, settings.SampleLimit).data<double>().ToArray();
            }

            RowPart? hostSaturation = saturates ? SaturationOnHost(moduleType, output) : null;
            return new RecordedActivation(name, modulePath, RowPart.OnHost(row), output, rowShape) { Saturation = hostSaturation, RobustRow = robust };
        }

        using var scope = NewDisposeScope();
        var deviceRow = DeviceStatistics.FastRow(output, settings.Bins, unitAxis, settings.SampleLimit, settings.HistogramLimit);
        var saturation = saturates ? Saturation.Count(moduleType, output) : null;
        return new RecordedActivation(name, modulePath, RowPart.Of(deviceRow.DetachFromDisposeScope()), output, rowShape)
        {
            Saturation = saturation is null ? null : RowPart.Of(saturation.DetachFromDisposeScope()),
        };
    }

    // A tensor part (a half-precision or strided output, counted by libtorch) outlives the hook's scope: the recorded
    // activation owns it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RowPart SaturationOnHost(string moduleType, Tensor output)
    {
        using var scope = NewDisposeScope();
        var part = Saturation.Measure(moduleType, output, onHost: true);
        part.Tensor?.DetachFromDisposeScope();
        return part;
    }
}
