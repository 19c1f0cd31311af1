using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project tests/TrainWatch.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
