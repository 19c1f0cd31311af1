using TorchSharp;
using TrainWatch.TorchSharp.Sampling;
using TrainWatch.TorchSharp.Statistics.HostKernels;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Inspection;

/// <summary>
/// Measures every checked tensor the way a sample step measures its weights (<see cref="ParameterRows"/>: host kernels
/// for CPU tensors, batched device reductions elsewhere), plus one count per tensor of values below its dtype's
/// smallest normal magnitude (<see cref="HostBelowNormalCount"/> for CPU tensors), all copied to the host in one
/// transfer. Only when a tensor holds NaN or ±∞ is it reduced again, robustly, in a second transfer — as in a sample
/// step.
/// </summary>
internal static class TensorReadings
{
    // The check reads moments, min/max and zeros; the histogram that comes with a fast row is not used, so it is one
    // bucket wide, and counted from the default sample.
    private const int Bins = 1;

    public static List<TensorReading> Measure(IReadOnlyList<CheckedTensor> tensors, HostTransfer transfer, bool hostKernels)
    {
        if (tensors.Count == 0)
        {
            return [];
        }

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var rows = new ParameterRows(Bins, hostKernels, HistogramSampling.DefaultLimit);
        var device = tensors[0].Values.device;
        var values = tensors.Select(t => t.Values).ToList();
        var parts = rows.Rows(values);

        // Below-normal counts: CPU tensors counted in place on the host, the others on their device and copied with
        // the rows.
        var belowNormal = new double[tensors.Count];
        var onDevice = Enumerable.Range(0, tensors.Count).Where(i => !(hostKernels && HostView.Applies(values[i]))).ToList();
        foreach (int i in Enumerable.Range(0, tensors.Count).Except(onDevice))
        {
            belowNormal[i] = HostBelowNormalCount.Of(values[i]);
        }

        if (onDevice.Count > 0)
        {
            parts.Add(CountsBelowNormal(onDevice.Select(i => values[i]).ToList(), device));
        }

        double[] host = transfer.Copy(parts.Select(p => p.device == device ? p : p.to(device)).ToList());

        int rowLength = StatisticsRow.FastLength(Bins, hasChannels: false);
        var shapes = values.Select(v => DeviceStatistics.ShapeOf(v, Statistics.UnitAxis.None, sampleLimit: 0)).ToList();
        var stats = new TensorStats?[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            stats[i] = TensorStats.FromFastRow(host.AsSpan(i * rowLength, rowLength), shapes[i]);
        }

        // Rare path: NaN or ±∞ somewhere. Those tensors are reduced again with masking, in one more transfer.
        var broken = Enumerable.Range(0, tensors.Count).Where(i => stats[i] is null).ToList();
        if (broken.Count > 0)
        {
            var robust = broken.Select(i => DeviceStatistics.RobustRow(values[i], Bins, Statistics.UnitAxis.None)).Select(r => r.device == device ? r : r.to(device)).ToList();
            double[] robustHost = transfer.Copy(robust);
            int robustLength = StatisticsRow.Length(Bins);
            for (int k = 0; k < broken.Count; k++)
            {
                stats[broken[k]] = TensorStats.FromRobustRow(robustHost.AsSpan(k * robustLength, robustLength), shapes[broken[k]]);
            }
        }

        int countsStart = tensors.Count * rowLength;
        for (int k = 0; k < onDevice.Count; k++)
        {
            belowNormal[onDevice[k]] = host[countsStart + k];
        }

        return tensors.Select((t, i) => new TensorReading(t, stats[i]!, Math.Max(0, belowNormal[i] - stats[i]!.Zeros))).ToList();
    }

    // |x| below the smallest normal counts zeros and denormals; the zeros are in the statistics row already, so one
    // comparison per tensor is enough. NaN compares false and is not counted.
    private static Tensor CountsBelowNormal(IReadOnlyList<Tensor> values, Device device)
    {
        var counts = new Tensor[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            // Each tensor's temporaries (a copy of it) are freed before the next one's: a large model never holds
            // more than one tensor's worth of them. Only the count outlives the scope.
            using var scope = NewDisposeScope();
            var count = values[i].detach().abs().lt(SmallestNormal(values[i].dtype)).sum();
            counts[i] = (count.device == device ? count : count.to(device)).MoveToOuterDisposeScope();
        }

        return stack(counts).to(ScalarType.Float64);
    }

    private static Scalar SmallestNormal(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => DeviceScalars.SmallestNormalDouble,
        ScalarType.Float16 => DeviceScalars.SmallestNormalHalf,
        _ => DeviceScalars.SmallestNormalSingle, // float32 and bfloat16 share float32's exponent range
    };
}
