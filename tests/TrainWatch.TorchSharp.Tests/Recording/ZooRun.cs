using TorchSharp;
using TrainWatch.Examples.FaultZoo.Models;
using static TorchSharp.torch;

namespace TrainWatch.TorchSharp.Tests.Recording;

/// <summary>A watched training run of one of the zoo's models (not Sequential), for tests on execution order.</summary>
internal sealed class ZooRun : IDisposable
{
    private readonly Generator _generator = new(5);

    public ZooRun(string model, int every, WatchOptions? options = null, double lr = 0.05)
    {
        manual_seed(17);
        Model = ZooModels.Create(model);
        Optimizer = optim.SGD(Model.parameters(), lr);
        Watch = TrainWatcher.Attach(Model, Optimizer, Dir.Path, every, options ?? new WatchOptions { AlertsToConsole = false, Pictures = null, Projector = null });
    }

    public TempDirectory Dir { get; } = new();

    public ZooModel Model { get; }

    public optim.Optimizer Optimizer { get; }

    public TrainWatcher Watch { get; }

    /// <summary><paramref name="count"/> ordinary training steps; <paramref name="beforeForward"/> sees each step's number first.</summary>
    public void Steps(int count, Action<long>? beforeForward = null, int batch = 8)
    {
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            beforeForward?.Invoke(Watch.CurrentStep);
            var (x, y) = Model.Batch(batch, _generator);
            Optimizer.zero_grad();
            var loss = Model.Loss(Model.call(x), y);
            loss.backward();
            Watch.Step(loss);
            Optimizer.step();
        }
    }

    /// <summary>A batch from the model's own data.</summary>
    public (Tensor Input, Tensor Target) Batch(int size) => Model.Batch(size, _generator);

    /// <summary>The parameter named <paramref name="name"/>.</summary>
    public Tensor Parameter(string name) => Model.named_parameters().Single(p => p.name == name).parameter;

    public void Dispose()
    {
        Watch.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
        Dir.Dispose();
    }
}
