using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>
/// What a hook kept of one module output: its fast statistics row (owned, disposed by the collector) and a reference
/// to the output itself (not owned) in case the row shows a non-finite value and must be recomputed robustly.
/// </summary>
/// <param name="Name">The output's name: the module path, or path/suffix for a tuple element.</param>
/// <param name="ModulePath">The module's path (<c>""</c> for the model itself).</param>
/// <param name="FastRow">The output's fast statistics row, on its device.</param>
/// <param name="Output">The output tensor (not owned).</param>
/// <param name="Shape">What decoding the row needs.</param>
internal sealed record RecordedActivation(string Name, string ModulePath, Tensor FastRow, Tensor Output, RowShape Shape) : IDisposable
{
    /// <summary>For sigmoid and tanh outputs, [1] float64: how many are saturated (owned, like the row).</summary>
    public Tensor? Saturation { get; init; }

    public void Dispose()
    {
        FastRow.Dispose();
        Saturation?.Dispose();
    }
}
