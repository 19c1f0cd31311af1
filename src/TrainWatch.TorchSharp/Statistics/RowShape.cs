namespace TrainWatch.TorchSharp.Statistics;

/// <summary>The host-side facts needed to decode a statistics row; they follow from the tensor's shape.</summary>
/// <param name="Numel">Elements in the whole tensor (zero fraction and dead units are over all of them).</param>
/// <param name="SampleCount">Elements the distribution statistics and histogram were computed over.</param>
/// <param name="Channels">Units checked for dead ones (0 when not counted).</param>
/// <param name="UnitAxis">The dimension holding the units (see <see cref="UnitAxis"/>); -1 when not counted.</param>
/// <param name="Rank">The tensor's number of dimensions.</param>
internal readonly record struct RowShape(long Numel, long SampleCount, long Channels, int UnitAxis = UnitAxis.None, int Rank = 1)
{
    public bool HasChannels => Channels > 0;
}
