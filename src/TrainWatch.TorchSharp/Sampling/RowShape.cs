namespace TrainWatch.TorchSharp.Sampling;

/// <summary>The host-side facts needed to decode a statistics row; they follow from the tensor's shape.</summary>
/// <param name="Numel">Elements in the whole tensor (zero fraction and dead channels are over all of them).</param>
/// <param name="SampleCount">Elements the distribution statistics and histogram were computed over.</param>
/// <param name="Channels">Channels checked for dead ones (0 when not counted).</param>
internal readonly record struct RowShape(long Numel, long SampleCount, long Channels);
