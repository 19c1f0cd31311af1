using System.Runtime.CompilerServices;
using TorchSharp.Modules;
using TorchSharp;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// Runs one sample step's device work: a fast statistics row per weight, gradient and recorded activation, the parked
/// update norms, the input batch's NaN/∞ counts and the loss, all packed into one host vector with at most one
/// device-to-host copy, then decoded. Only when a row shows NaN or ±∞ are those tensors reduced again, robustly, in a
/// second transfer.
/// </summary>
/// <remarks>
/// On a CPU most parts are host values already (the host kernels' rows and counts) and the rest are CPU tensors, read
/// in place: packing makes no tensor and runs no libtorch op. On another device the parts travel in one copy.
/// </remarks>
internal sealed class SampleCollector : IDisposable
{
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _parameters;
    private readonly int _bins;
    private readonly HostTransfer _transfer;
    private readonly ParameterRows _parameterRows;

    // The packed sample, reused: nothing decoded from it keeps a reference (TensorStats copy what they need).
    private double[] _packed = [];

    // Each weight's row shape, read at its first sample and kept while its element count stays the same: a shape is
    // two native calls and an array, for every weight and gradient of every sample (~1.4 µs a tensor here), and a
    // weight's shape does not change in training. Its gradient has its shape (autograd refuses any other), so the
    // gradient's is never read.
    private readonly RowShape?[] _weightShapes;

    public SampleCollector(IReadOnlyList<(string Name, Parameter Parameter)> parameters, int bins, HostTransfer transfer, bool hostKernels = true, long histogramLimit = 0)
    {
        _parameters = parameters;
        _bins = bins;
        _transfer = transfer;
        _parameterRows = new ParameterRows(bins, hostKernels, histogramLimit);
        _weightShapes = new RowShape?[parameters.Count];
    }

    /// <summary>Releases the device layouts cached for batched parameter statistics.</summary>
    public void Dispose() => _parameterRows.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SampleData Collect(
        long step,
        Tensor? loss,
        List<RecordedActivation> activations,
        RowPart? inputCheck,
        RowPart? updateNorms,
        long updateStep,
        IReadOnlyList<(string Name, double Value)> learningRates,
        double stepsPerSecond,
        Statistics.HostKernels.SnapshotPass? snapshot = null)
    {
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();

            // The tensors measured, in the order their rows are packed: each weight, then its gradient if it has one.
            var measured = new List<(Tensor? Source, RowShape Shape, double[]? RobustRow)>((2 * _parameters.Count) + activations.Count);
            var parameterTensors = new List<Tensor>(2 * _parameters.Count);
            var hasGradient = new bool[_parameters.Count];
            var weightIndexes = new int[_parameters.Count];
            for (int i = 0; i < _parameters.Count; i++)
            {
                var parameter = _parameters[i].Parameter;
                var shape = WeightShape(i, parameter);
                weightIndexes[i] = parameterTensors.Count;
                Measure(parameter, shape);
                if (parameter.grad is { } grad)
                {
                    hasGradient[i] = true;
                    Measure(grad, shape);
                }
            }

            // On the host the snapshot work of the update ratio rides along with the weights' pass (SnapshotPass);
            // when it measured, its norms are this sample's update norms.
            var parts = _parameterRows.Parts(parameterTensors, snapshot, weightIndexes);
            double[]? fusedNorms = snapshot?.Norms;
            foreach (var activation in activations)
            {
                measured.Add((activation.Output, activation.Shape, activation.RobustRow));
                parts.Add(activation.FastRow);
            }

            if (fusedNorms is not null)
            {
                parts.Add(RowPart.OnHost(fusedNorms));
            }
            else if (updateNorms is { } parked)
            {
                parts.Add(parked);
            }

            if (inputCheck is { } check)
            {
                parts.Add(check);
            }

            foreach (var activation in activations)
            {
                if (activation.Saturation is { } saturation)
                {
                    parts.Add(saturation);
                }
            }

            // A per-sample loss vector is logged as its mean; an empty one is not logged.
            long lossElements = loss is { IsInvalid: false } ? loss.numel() : 0;
            if (lossElements > 0)
            {
                parts.Add(LossPart(loss!, lossElements));
            }
            else
            {
                loss = null;
            }

            double[] host = _transfer.Copy(parts, _packed);
            _packed = host;
            var stats = DecodeRows(host, measured);
            int offset = measured.Sum(m => StatisticsRow.FastLength(_bins, m.Shape.HasChannels));
            return Assemble(step, stats, hasGradient, activations, host.AsSpan(offset), fusedNorms is null && updateNorms is null ? null : updateStep, inputCheck is not null, loss is not null, learningRates, stepsPerSecond);

            void Measure(Tensor tensor, RowShape shape)
            {
                measured.Add((tensor, shape, null));
                parameterTensors.Add(tensor);
            }
        }
        finally
        {
            // Rows recorded by hooks and the parked norms were detached from their scopes to live until now.
            foreach (var activation in activations)
            {
                activation.Dispose();
            }

            updateNorms?.Tensor?.Dispose();
            inputCheck?.Tensor?.Dispose();
        }
    }

    // A weight's row shape: the one kept, unless its element count changed (a weight replaced in place by one of
    // another size: one native call to find out), then read again.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RowShape WeightShape(int index, Parameter parameter)
    {
        if (_weightShapes[index] is { } kept && kept.Numel == parameter.numel())
        {
            return kept;
        }

        var shape = DeviceStatistics.ShapeOf(parameter, Statistics.UnitAxis.None, sampleLimit: 0);
        _weightShapes[index] = shape;
        return shape;
    }

    // The loss as one float64: a CPU scalar is read in place (widening is exact), anything else by libtorch ops.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RowPart LossPart(Tensor loss, long elements)
    {
        if (elements == 1 && Statistics.HostKernels.HostView.Applies(loss) && Statistics.HostKernels.HostCounts.Reads(loss))
        {
            return RowPart.OnHost([Statistics.HostKernels.HostView.Of(loss).First]);
        }

        var value = loss.detach().to(ScalarType.Float64);
        return RowPart.Of(elements == 1 ? value.reshape(1) : value.mean().reshape(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<TensorStats> DecodeRows(double[] host, List<(Tensor? Source, RowShape Shape, double[]? RobustRow)> measured)
    {
        var stats = new List<TensorStats?>(measured.Count);
        int offset = 0;
        foreach (var (_, shape, robustRow) in measured)
        {
            int length = StatisticsRow.FastLength(_bins, shape.HasChannels);

            // A robust row reduced in the hook (a CPU activation with NaN or ±∞) is the one the output's values gave.
            stats.Add(TensorStats.FromFastRow(host.AsSpan(offset, length), shape) ?? (robustRow is null ? null : TensorStats.FromRobustRow(robustRow, shape)));
            offset += length;
        }

        // Rare path: NaN or ±∞ somewhere. Reduce those tensors again with masking, in one more transfer. An activation
        // reduced by libtorch ops (on another device) is recounted from the output the hook kept a reference to, when
        // that still exists (Sequential disposes its intermediate outputs), and an in-place op after its module would
        // show in this recount.
        var broken = Enumerable.Range(0, measured.Count).Where(i => stats[i] is null).ToList();
        var recomputable = broken.Where(i => measured[i].Source is { IsInvalid: false }).ToList();
        if (recomputable.Count > 0)
        {
            var rows = recomputable.Select(i => DeviceStatistics.RobustRow(measured[i].Source!, _bins, measured[i].Shape.UnitAxis, SampleLimitOf(measured[i].Shape, measured[i].Source!))).ToList();
            double[] robust = _transfer.Copy(rows);
            int robustLength = StatisticsRow.Length(_bins);
            for (int k = 0; k < recomputable.Count; k++)
            {
                stats[recomputable[k]] = TensorStats.FromRobustRow(robust.AsSpan(k * robustLength, robustLength), measured[recomputable[k]].Shape);
            }
        }

        var offsets = new int[measured.Count];
        for (int i = 1; i < measured.Count; i++)
        {
            offsets[i] = offsets[i - 1] + StatisticsRow.FastLength(_bins, measured[i - 1].Shape.HasChannels);
        }

        // Tensors gone before a recount (activations): a row that only overflowed is still finite, counts 0, not NaN.
        return stats.Select((s, i) => s
            ?? TensorStats.FromOverflowedFastRow(host.AsSpan(offsets[i], StatisticsRow.FastLength(_bins, measured[i].Shape.HasChannels)), measured[i].Shape)
            ?? TensorStats.NonFiniteUnknown(measured[i].Shape, _bins)).ToList();
    }

    private static long SampleLimitOf(RowShape shape, Tensor source) =>
        shape.SampleCount == shape.Numel || source.dim() == 0 ? 0 : shape.SampleCount / (shape.Numel / source.size(0));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private SampleData Assemble(
        long step,
        List<TensorStats> stats,
        bool[] hasGradient,
        List<RecordedActivation> activations,
        ReadOnlySpan<double> rest,
        long? updateStep,
        bool hasInputCheck,
        bool hasLoss,
        IReadOnlyList<(string Name, double Value)> learningRates,
        double stepsPerSecond)
    {
        int next = 0;
        var parameters = new List<ParameterSample>(_parameters.Count);
        for (int i = 0; i < _parameters.Count; i++)
        {
            var weight = stats[next++];
            var gradient = hasGradient[i] ? stats[next++] : null;
            parameters.Add(new ParameterSample(_parameters[i].Name, weight, gradient));
        }

        var activationSamples = activations.Select(a => new ActivationSample(a.Name, stats[next++]) { ModulePath = a.ModulePath }).ToList();

        int offset = 0;
        UpdateSample? updates = null;
        if (updateStep is { } from)
        {
            var ratios = new List<(string, double, double)>(_parameters.Count);
            for (int i = 0; i < _parameters.Count; i++)
            {
                ratios.Add((_parameters[i].Name, rest[offset], rest[offset + 1]));
                offset += 2;
            }

            updates = new UpdateSample(from, ratios);
        }

        (double NaN, double Inf) input = (0, 0);
        if (hasInputCheck)
        {
            input = (rest[offset], rest[offset + 1]);
            offset += 2;
        }

        for (int i = 0; i < activations.Count; i++)
        {
            if (activations[i].Saturation is not null)
            {
                activationSamples[i] = activationSamples[i] with { SaturatedFraction = rest[offset++] / Math.Max(1, activations[i].Shape.Numel) };
            }
        }

        double? loss = hasLoss ? rest[offset] : null;
        return new SampleData(step, loss, parameters, activationSamples, updates, learningRates, stepsPerSecond)
        {
            InputNaNCount = input.NaN,
            InputInfCount = input.Inf,
        };
    }
}
