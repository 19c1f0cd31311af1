using TrainWatch.SoakModels;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

// Usage: TrainWatch.SoakModels MODEL EVERY STEPS LOGDIR     one watched training run; exit code 0 when it finished
//        TrainWatch.SoakModels --list                       the model names
// Prints "finished MODEL every=N steps=S" at the end. If training dies, the unhandled-exception handler prints the
// step it died in before the runtime prints the stack; scripts/soak-models.sh collects both.
if (args is ["--list"])
{
    Console.WriteLine(string.Join('\n', Catalog.Names));
    return 0;
}

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: TrainWatch.SoakModels MODEL EVERY STEPS LOGDIR | --list");
    return 2;
}

string name = args[0];
int every = int.Parse(args[1]);
int steps = int.Parse(args[2]);
long current = -1;
AppDomain.CurrentDomain.UnhandledException += (_, _) => Console.Error.WriteLine($"soak: died at step {Interlocked.Read(ref current)}");

var setup = Catalog.Create(name);
using (var watch = TrainWatcher.Attach(setup.Model, setup.Optimizer, args[3], every: every, new WatchOptions { AlertsToConsole = false }))
{
    for (int step = 0; step < steps; step++)
    {
        Interlocked.Exchange(ref current, step);
        using var scope = NewDisposeScope();
        setup.Optimizer.zero_grad();
        var loss = setup.Loss();
        loss.backward();
        watch.Step(loss);
        setup.Optimizer.step();
    }

    if (watch.FailedSamples > 0)
    {
        Console.Error.WriteLine($"soak: {watch.FailedSamples} failed sample steps");
    }
}

Console.WriteLine($"finished {name} every={every} steps={steps}");
return 0;
