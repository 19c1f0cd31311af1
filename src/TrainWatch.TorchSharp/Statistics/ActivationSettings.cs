namespace TrainWatch.TorchSharp.Statistics;

/// <summary>How activations are measured.</summary>
/// <param name="Bins">Histogram buckets.</param>
/// <param name="SampleLimit">Batch entries the distribution statistics use (0: all); dead units always use all.</param>
/// <param name="HostKernels">Reduce CPU outputs with the host kernels (see <see cref="RowReducer"/>).</param>
/// <param name="HistogramLimit">Elements the histogram counts at most (<see cref="HistogramSampling"/>; 0: all).</param>
internal sealed record ActivationSettings(int Bins, long SampleLimit, bool HostKernels = true, long HistogramLimit = 0);
