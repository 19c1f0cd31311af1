using BenchmarkDotNet.Running;
using TrainWatch.Benchmarks.HeadToHead;
using TrainWatch.Benchmarks.Soak;
using TrainWatch.Benchmarks.Visibility;

// Two ways in:
//   dotnet run -c Release --project tests/TrainWatch.Benchmarks -- headtohead [--out docs/benchmarks.md] [--quick]
//       the scripted side-by-side comparison (TorchSharp's SummaryWriter vs TrainWatch, watcher overhead, floor);
//   dotnet run -c Release --project tests/TrainWatch.Benchmarks -- --filter '*'
//       the BenchmarkDotNet micro-benchmarks.
if (args.Length > 0 && args[0] == "headtohead")
{
    return HeadToHeadRunner.Run(args[1..]);
}

//   dotnet run -c Release --project tests/TrainWatch.Benchmarks -- scalars [ROUNDS]   (the writers' scalar rows alone)
if (args.Length > 0 && args[0] == "scalars")
{
    return HeadToHeadRunner.RunScalars(args[1..]);
}

//   dotnet run -c Release --project tests/TrainWatch.Benchmarks -- wholerun plain|watch DIR   (one process of headtohead's whole-run table)
if (args.Length > 0 && args[0] == "wholerun")
{
    return WholeRun.RunChild(args[1..]);
}

//   dotnet run -c Release --project tests/TrainWatch.Benchmarks -- soak [STEPS] [EVERY]   (scripts/soak.sh)
if (args.Length > 0 && args[0] == "soak")
{
    return SoakRunner.Run(args[1..]);
}

//   dotnet run -c Release --project tests/TrainWatch.Benchmarks -- modelcheck [ROUNDS]   (the model check's cost at attach)
if (args.Length > 0 && args[0] == "modelcheck")
{
    return ModelCheckCost.Run(args[1..]);
}

//   dotnet run -c Release --project tests/TrainWatch.Benchmarks -- visibility [EVENTS] [LIMIT_S]   (scripts/visibility.sh)
if (args.Length > 0 && args[0] == "visibility")
{
    return VisibilityRunner.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
