using System.Runtime.InteropServices;
using System.Diagnostics;
using TorchSharp;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

namespace TrainWatch.Examples.Population;

/// <summary>Trains one drawn setup, with its fault planted if it has one, TrainWatch attached the one-line way.</summary>
public static class Runner
{
    public static RunRecord Run(string set, int seed, bool faulted, int maxSteps, string outputDirectory)
    {
        var setup = Setup.Draw(seed, maxSteps);
        var fault = faulted ? FaultDraw.Draw(seed, setup) : null;
        if (fault?.Kind.NeedsActivation is { } activation)
        {
            setup = setup with { Activation = activation };
        }

        string directory = Path.Combine(outputDirectory, $"{set}-{seed}");
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var clock = Stopwatch.StartNew();
        var losses = new List<double>();
        var alerts = new List<AlertRecord>();
        string? error = null;
        string? expectedLayer = null;
        try
        {
            manual_seed(seed);
            using var net = new Net(setup);
            expectedLayer = fault?.ExpectedLayer(net);
            using var optimizer = MakeOptimizer(setup, net);
            using var task = new LearningTask(setup);
            using var planter = new FaultPlanter(fault, net, optimizer, setup.Every);
            var options = new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null, Graph = false };
            (Tensor X, Tensor Y)? fixedBatch = setup.FixedBatch ? Keep(task.Batch()) : null;
            using (var watch = TrainWatcher.Attach(net, optimizer, directory, setup.Every, options))
            {
                for (long step = 0; step < setup.Steps; step++)
                {
                    using var scope = NewDisposeScope();
                    planter.BeforeForward(step);
                    var (x, y) = fixedBatch ?? task.Batch();
                    optimizer.zero_grad();
                    var output = net.call(planter.Input(x));
                    var loss = planter.Loss(task.Loss(output, y), output);
                    loss.backward();
                    planter.AfterBackward();
                    watch.Step(loss);
                    optimizer.step();
                    planter.AfterOptimizerStep();
                    if (step % setup.Every == 0)
                    {
                        losses.Add(loss.item<float>());
                    }
                }

                alerts.AddRange(watch.Alerts.Select(a => AlertRecord.From(a, watch.Incidents)));
            }

            fixedBatch?.X.Dispose();
            fixedBatch?.Y.Dispose();
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            // The first frames name where it died (a TorchSharp op, the optimizer, TrainWatch): the message alone did not.
            var frames = (e.StackTrace ?? "").Split('\n').Select(f => f.Trim()).Where(f => f.StartsWith("at ", StringComparison.Ordinal)).Take(4);
            error = $"{e.GetType().Name}: {e.Message.Split('\n')[0]} [{string.Join(" < ", frames)}]";
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        return new RunRecord(set, seed, setup.Describe(), setup.Family.ToString(), setup.Every, setup.Steps, fault?.Kind.Name, fault?.Kind.Expected.ToString(), expectedLayer,
            fault?.Kind.Cause, fault?.Kind.Gradual ?? false, fault?.Onset ?? -1, alerts, losses, clock.Elapsed.TotalSeconds, error,
            fault is { Kind.Gradual: true } ? fault.Rate : 1);
    }

    private static optim.Optimizer MakeOptimizer(Setup setup, Net net) => setup.Optimizer switch
    {
        OptimizerKind.Sgd => optim.SGD(net.parameters(), setup.LearningRate),
        OptimizerKind.SgdMomentum => optim.SGD(net.parameters(), setup.LearningRate, momentum: 0.9),
        OptimizerKind.Adam => optim.Adam(net.parameters(), setup.LearningRate),
        OptimizerKind.AdamW => optim.AdamW(net.parameters(), setup.LearningRate),
        _ => optim.RMSProp(net.parameters(), setup.LearningRate),
    };

    private static (Tensor, Tensor) Keep((Tensor X, Tensor Y) batch) => (batch.X.DetachFromDisposeScope(), batch.Y.DetachFromDisposeScope());
}
