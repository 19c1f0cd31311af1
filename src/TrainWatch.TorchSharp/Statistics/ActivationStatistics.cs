using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// Reduces one module output to its statistics row where it lives, inside the forward hook that saw it: the output
/// itself is not kept alive past its module call, only the row (and a reference for a robust recomputation).
/// </summary>
internal static class ActivationStatistics
{
    /// <summary>The fast row of <paramref name="output"/> (and its saturation count for sigmoid and tanh), owned by the caller.</summary>
    /// <param name="name">The output's name: the module path, or path/suffix for a tuple element.</param>
    /// <param name="modulePath">The module's path (<c>""</c> for the model itself).</param>
    /// <param name="moduleType">The module's type name, which decides whether saturation is counted.</param>
    /// <param name="output">The output tensor (not owned).</param>
    /// <param name="unitAxis">The dimension holding the units (<see cref="UnitAxis"/>).</param>
    /// <param name="settings">How activations are measured.</param>
    public static RecordedActivation Reduce(string name, string modulePath, string moduleType, Tensor output, int unitAxis, ActivationSettings settings)
    {
        using var scope = NewDisposeScope();
        var row = RowReducer.FastRow(output, settings.Bins, unitAxis, settings.SampleLimit, settings.HostKernels, settings.HistogramLimit);
        var shape = DeviceStatistics.ShapeOf(output, unitAxis, settings.SampleLimit);
        var saturation = Saturation.Applies(moduleType) ? Saturation.Count(moduleType, output).DetachFromDisposeScope() : null;
        return new RecordedActivation(name, modulePath, row.DetachFromDisposeScope(), output, shape) { Saturation = saturation };
    }
}
