using TorchSharp;
using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.TorchSharp;
using TrainWatch.TorchSharp.Diagnosis;
using static TorchSharp.torch;

namespace TrainWatch.Examples.FaultZoo.Zoo;

/// <summary>What one zoo run raised.</summary>
/// <param name="Model">The architecture.</param>
/// <param name="Fault">The fault planted.</param>
/// <param name="RunDirectory">Where its events are.</param>
/// <param name="Alerts">Every alert, in order.</param>
/// <param name="FinalLoss">The loss at the last step.</param>
public sealed record CaseRun(string Model, Fault Fault, string RunDirectory, IReadOnlyList<Alert> Alerts, double FinalLoss);

/// <summary>Trains one model with one fault planted, TrainWatch attached the one-line way.</summary>
public static class CaseRunner
{
    private const int BatchSize = 16;

    public static CaseRun Run(string modelName, Fault fault, ZooSettings settings)
    {
        string directory = Path.Combine(settings.OutputDirectory, modelName, fault.Name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        // Same seeds for every fault of a model: runs are identical up to the onset, so diff compares like with like.
        manual_seed(1234);
        using var model = ZooModels.Create(modelName);
        bool converge = fault == Fault.Converge;
        using var optimizer = converge ? optim.SGD(model.parameters(), 0.05, momentum: 0.9) : optim.SGD(model.parameters(), 0.05);
        var generator = new Generator(99);
        var options = new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null, Graph = false };
        using var planter = new FaultPlanter(fault, model, optimizer, settings.Onset, settings.Every);
        (Tensor X, Tensor Y)? fixedBatch = converge ? Keep(model.Batch(BatchSize, generator)) : null;
        double finalLoss = double.NaN;
        IReadOnlyList<Alert> alerts;
        using (var watch = TrainWatcher.Attach(model, optimizer, directory, settings.Every, options))
        {
            for (long step = 0; step < settings.Steps; step++)
            {
                using var scope = NewDisposeScope();
                planter.BeforeForward(step);
                var (x, y) = fixedBatch ?? model.Batch(BatchSize, generator);
                optimizer.zero_grad();
                var loss = model.Loss(model.call(planter.Input(step, x)), y);
                loss.backward();
                planter.AfterBackward(step);
                watch.Step(loss);
                optimizer.step();
                planter.AfterOptimizerStep(step);
                if (step == settings.Steps - 1)
                {
                    finalLoss = loss.item<float>();
                }
            }

            alerts = watch.Alerts.ToList();
        }

        fixedBatch?.X.Dispose();
        fixedBatch?.Y.Dispose();
        return new CaseRun(modelName, fault, directory, alerts, finalLoss);
    }

    private static (Tensor, Tensor) Keep((Tensor X, Tensor Y) batch) => (batch.X.DetachFromDisposeScope(), batch.Y.DetachFromDisposeScope());
}
