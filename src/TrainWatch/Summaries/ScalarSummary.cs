using TrainWatch.Protos;

namespace TrainWatch.Summaries;

/// <summary>Pure functions for scalar summaries.</summary>
/// <remarks>
/// Written as <c>simple_value</c>: every TensorBoard version reads it and it is the smallest record. TensorBoard stores
/// scalars as 32-bit floats either way (the tensor form requires <c>DT_FLOAT</c>).
/// </remarks>
public static class ScalarSummary
{
    /// <summary>A scalar value under <paramref name="tag"/>.</summary>
    public static Summary.Types.Value ToValue(string tag, double value) =>
        new() { Tag = SummaryTag.Validate(tag), SimpleValue = (float)value };

    /// <summary>A summary of one scalar.</summary>
    public static Summary Build(string tag, double value) => new() { Value = { ToValue(tag, value) } };
}
