using TrainWatch.TorchSharp.Statistics.HostKernels;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Statistics;

/// <summary>Chooses where a tensor's fast row is computed: in place by the host kernels for a CPU tensor, else on its device.</summary>
internal static class RowReducer
{
    /// <summary>
    /// The fast row of <paramref name="values"/> (see <see cref="DeviceStatistics.FastRow"/>) as a float64 tensor on
    /// the tensor's device; <paramref name="hostKernels"/> false forces the libtorch ops (tests and benchmarks compare
    /// the two). The histogram counts at most <paramref name="histogramLimit"/> elements (<see cref="HistogramSampling"/>; 0: all).
    /// </summary>
    public static Tensor FastRow(Tensor values, int bins, int unitAxis, long sampleLimit, bool hostKernels = true, long histogramLimit = 0) =>
        hostKernels && HostView.Applies(values)
            ? tensor(HostRows.FastRow(values, bins, unitAxis, sampleLimit, histogramLimit))
            : DeviceStatistics.FastRow(values, bins, unitAxis, sampleLimit, histogramLimit);
}
