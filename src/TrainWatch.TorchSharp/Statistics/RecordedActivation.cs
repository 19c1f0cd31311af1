using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// What a hook kept of one module output: its fast statistics row (host values for a CPU output, else a tensor on its
/// device, owned and disposed by the collector) and a reference to the output itself (not owned) in case a device
/// row shows a non-finite value and must be recomputed robustly.
/// </summary>
/// <param name="Name">The output's name: the module path, or path/suffix for a tuple element.</param>
/// <param name="ModulePath">The module's path (<c>""</c> for the model itself).</param>
/// <param name="FastRow">The output's fast statistics row.</param>
/// <param name="Output">The output tensor (not owned).</param>
/// <param name="Shape">What decoding the row needs.</param>
internal sealed record RecordedActivation(string Name, string ModulePath, RowPart FastRow, Tensor Output, RowShape Shape) : IDisposable
{
    /// <summary>For sigmoid and tanh outputs, [1] float64: how many are saturated (a tensor is owned, like the row's).</summary>
    public RowPart? Saturation { get; init; }

    /// <summary>
    /// The robust row, when the fast row was computed on the host and showed NaN or ±∞: reduced in the hook, from the
    /// values the module returned, before a later in-place op could change them.
    /// </summary>
    public double[]? RobustRow { get; init; }

    public void Dispose()
    {
        FastRow.Tensor?.Dispose();
        Saturation?.Tensor?.Dispose();
    }
}
