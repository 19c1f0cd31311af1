using TrainWatch.Examples.FaultZoo.Models;
using TrainWatch.Examples.FaultZoo.Zoo;

// The fault zoo: each architecture trained healthy, converged, and with each fault planted at the onset step; the
// alerts TrainWatch raised and (given --cli) what `trainwatch diff` says against the healthy twin, scored.
ZooSettings settings;
try
{
    settings = ZooSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("usage: FaultZoo [--models a,b] [--faults x,y] [--steps 300] [--every 10] [--onset 200] [--out DIR] [--cli TrainWatch.Cli.dll] [--report docs/diagnosis.md]");
    return 2;
}

var faults = settings.Faults.Select(name => Fault.All.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"No fault '{name}'.")).ToList();
var scores = new List<CaseScore>();
foreach (string modelName in settings.Models)
{
    using var model = ZooModels.Create(modelName);
    var healthy = CaseRunner.Run(modelName, Fault.Healthy, settings);
    foreach (var fault in faults.Where(f => f != Fault.Healthy && f.AppliesTo(model)).Prepend(Fault.Healthy))
    {
        var run = fault == Fault.Healthy ? healthy : CaseRunner.Run(modelName, fault, settings);
        var diff = settings.CliPath is { } cli && !fault.IsHealthy ? DiffProbe.Run(cli, healthy.RunDirectory, run.RunDirectory) : null;
        var score = CaseScore.For(run, model, settings, diff);
        scores.Add(score);
        string alert = score.Detection is { } a ? $"{a.Kind} {a.Layer} @{a.Step}" : fault.IsHealthy ? "-" : "MISSED";
        Console.WriteLine($"{modelName,-13} {fault.Name,-12} alert: {alert,-50} false: {score.FalseAlerts.Count} diff: {diff?.Kind ?? "-"} {diff?.Layer ?? ""} @{diff?.Onset?.ToString() ?? "-"}  loss {run.FinalLoss:G3}");
        foreach (var falseAlert in score.FalseAlerts)
        {
            Console.WriteLine($"    false alert: {falseAlert}");
        }
    }
}

string report = ZooReport.Build(scores, settings);
if (settings.ReportPath is { } path)
{
    File.WriteAllText(path, report);
    Console.WriteLine($"report written to {path}");
}
else
{
    Console.WriteLine(report);
}

return 0;
