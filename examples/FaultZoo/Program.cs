using TrainWatch.Examples.FaultZoo.Models;

Console.WriteLine($"FaultZoo models: {string.Join(", ", ZooModels.Names)}");
