using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Statistics;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Inspection;

/// <summary>What the model check found: one finding per suspect tensor, with the reading behind it.</summary>
/// <param name="Suspects">Each finding and the reading it came from, in parameter-then-buffer order.</param>
/// <param name="TensorsChecked">Floating-point parameters and buffers read.</param>
/// <param name="HostCopies">Device-to-host copies the check made (1, or 2 when a tensor held NaN or ±∞).</param>
internal sealed record ModelCheckReport(IReadOnlyList<(Finding Finding, TensorReading Reading)> Suspects, int TensorsChecked, long HostCopies);

/// <summary>
/// The check made once, when the watcher attaches: every parameter and buffer is read on its device in one pass like a
/// sample step's, and those holding values no initialiser produces (uninitialised memory, a bad checkpoint load) are
/// named before the first step — rather than seen later as a NaN or a loss stuck at ln(classes) whose cause is gone.
/// </summary>
internal static class ModelCheck
{
    /// <param name="model">The model, on any device (its tensors are read where they are).</param>
    /// <param name="hostKernels">Reduce CPU tensors with the host kernels (false: with libtorch ops, as on a GPU).</param>
    public static ModelCheckReport Run(Module model, bool hostKernels = true)
    {
        // Its own transfer counter: the watcher's counts sample steps, one copy each.
        var transfer = new HostTransfer();
        var tensors = ModelTensors.Collect(model);
        var readings = TensorReadings.Measure(tensors, transfer, hostKernels);
        var suspects = new List<(Finding, TensorReading)>();
        foreach (var reading in readings)
        {
            if (InitialValueRules.Examine(reading) is { } finding)
            {
                suspects.Add((finding, reading));
            }
        }

        return new ModelCheckReport(suspects, tensors.Count, transfer.Count);
    }
}
