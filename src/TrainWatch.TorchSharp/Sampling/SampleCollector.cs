using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Sampling;

/// <summary>
/// Runs one sample step's device work: a statistics row per weight, gradient and recorded activation, the parked
/// update norms and the loss, all packed onto one device and copied to the host in one transfer, then decoded.
/// </summary>
internal sealed class SampleCollector
{
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _parameters;
    private readonly int _bins;
    private readonly HostTransfer _transfer;

    public SampleCollector(IReadOnlyList<(string Name, Parameter Parameter)> parameters, int bins, HostTransfer transfer)
    {
        _parameters = parameters;
        _bins = bins;
        _transfer = transfer;
    }

    /// <summary>How many watched parameters had a gradient at the last collection.</summary>
    public int GradientsSeen { get; private set; }

    public SampleData Collect(
        long step,
        Tensor? loss,
        List<(string Name, Tensor Row)> activationRows,
        Tensor? updateNorms,
        long updateStep,
        IReadOnlyList<(string Name, double Value)> learningRates,
        double stepsPerSecond)
    {
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var device = _parameters.Count > 0 ? _parameters[0].Parameter.device : loss?.device ?? CPU;
            var parts = new List<Tensor>();
            var gradients = new List<bool>(_parameters.Count);
            foreach (var (_, parameter) in _parameters)
            {
                parts.Add(DeviceStatistics.Row(parameter, _bins, countDeadChannels: false));
                var grad = parameter.grad;
                gradients.Add(grad is not null);
                if (grad is not null)
                {
                    parts.Add(DeviceStatistics.Row(grad, _bins, countDeadChannels: false));
                }
            }

            parts.AddRange(activationRows.Select(r => r.Row));
            if (updateNorms is not null)
            {
                parts.Add(updateNorms);
            }

            if (loss is not null)
            {
                parts.Add(loss.detach().to(ScalarType.Float64).reshape(1));
            }

            // Device-to-device moves are asynchronous; only the one host copy below waits for the device.
            var onDevice = parts.Select(p => p.device == device ? p : p.to(device)).ToList();
            double[] host = _transfer.Copy(onDevice);
            GradientsSeen = gradients.Count(g => g);
            return Decode(host, step, gradients, activationRows, updateNorms is null ? null : updateStep, loss is not null, learningRates, stepsPerSecond);
        }
        finally
        {
            // Rows recorded by hooks and the parked norms were detached from their scopes to live until now.
            foreach (var (_, row) in activationRows)
            {
                row.Dispose();
            }

            updateNorms?.Dispose();
        }
    }

    private SampleData Decode(
        double[] host,
        long step,
        List<bool> gradients,
        List<(string Name, Tensor Row)> activationRows,
        long? updateStep,
        bool hasLoss,
        IReadOnlyList<(string Name, double Value)> learningRates,
        double stepsPerSecond)
    {
        int rowLength = StatisticsRow.Length(_bins);
        int offset = 0;
        TensorStats NextRow()
        {
            var stats = new TensorStats(host.AsSpan(offset, rowLength));
            offset += rowLength;
            return stats;
        }

        var parameters = new List<ParameterSample>(_parameters.Count);
        for (int i = 0; i < _parameters.Count; i++)
        {
            var weight = NextRow();
            var gradient = gradients[i] ? NextRow() : null;
            parameters.Add(new ParameterSample(_parameters[i].Name, weight, gradient));
        }

        var activations = activationRows.Select(r => new ActivationSample(r.Name, NextRow())).ToList();

        UpdateSample? updates = null;
        if (updateStep is { } from)
        {
            var ratios = new List<(string, double, double)>(_parameters.Count);
            for (int i = 0; i < _parameters.Count; i++)
            {
                ratios.Add((_parameters[i].Name, host[offset], host[offset + 1]));
                offset += 2;
            }

            updates = new UpdateSample(from, ratios);
        }

        double? loss = hasLoss ? host[offset++] : null;
        return new SampleData(step, loss, parameters, activations, updates, learningRates, stepsPerSecond);
    }
}
