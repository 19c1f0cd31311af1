using System.Text.Json;
using TrainWatch.Examples.Population;
using static TorchSharp.torch;

// The population: whole training setups drawn from seeds, healthy or with one planted fault; the alerts TrainWatch
// raised, as JSON lines (run), and the scores of a tuning and a held-out set side by side (report).
const string Usage = """
    usage: Population run --set tuning|heldout [--healthy 200] [--faulted 150] [--first 0] [--max-steps 2000] --out results.jsonl [--work DIR]
           Population check --results results.jsonl   (exit 1 on a warning on a healthy run or a fault missed)
           Population report --tuning tuning.jsonl --heldout heldout.jsonl [--report docs/diagnosis.md]
                             [--before-tuning a.jsonl --before-heldout b.jsonl --before-label "commit 7a02c77"]
    """;
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string command = args.Length > 0 ? args[0] : "";
if (command == "run" && options.TryGetValue("set", out var set) && options.TryGetValue("out", out var output))
{
    // Seed ranges: the held-out set is far from the tuning set, and each has a healthy and a faulted range. A held-out
    // range is spent once it has been scored and a rule then changed: 700,000/800,000 in the second round of issue 22
    // (two pre-onset alarms read), 3,000,000/4,000,000 in the third (its figures at 2,000 steps led to rule changes
    // made on the tuning set), 5,000,000/6,000,000 in the fourth and 7,000,000/8,000,000 in the fifth (their false
    // alarms were read), so each round is judged on a fresh range.
    (int healthyBase, int faultedBase) = set switch
    {
        "tuning" => (1_000, 2_000),
        "heldout" => (9_000_000, 10_000_000),
        _ => throw new ArgumentException($"--set is tuning or heldout, not '{set}'"),
    };
    int healthy = Int("healthy", 200), faulted = Int("faulted", 150), first = Int("first", 0), maxSteps = Int("max-steps", 2000);
    string work = options.GetValueOrDefault("work") ?? Path.Combine(Path.GetTempPath(), $"trainwatch-population-{Environment.ProcessId}");
    // One thread: the machine is shared, and libtorch's spinning threads slow every other process down.
    set_num_threads(1);
    using var writer = new StreamWriter(output, append: true);
    var seeds = Enumerable.Range(first, healthy).Select(i => (Seed: healthyBase + i, Faulted: false))
        .Concat(Enumerable.Range(first, faulted).Select(i => (Seed: faultedBase + i, Faulted: true)));
    foreach (var (seed, isFaulted) in seeds)
    {
        var record = Runner.Run(set, seed, isFaulted, maxSteps, work);
        writer.WriteLine(JsonSerializer.Serialize(record, Json));
        writer.Flush();
        string alerts = string.Join("; ", record.Alerts.Take(3).Select(a => $"{a.Kind} {a.Layer}@{a.Step}"));
        Console.WriteLine($"{set} {seed} {record.Fault ?? record.Class,-12} {record.Seconds,6:F1}s {record.Setup} | {record.Alerts.Count} alert(s) {alerts}{(record.Error is null ? "" : " ERROR " + record.Error)}");
    }

    return 0;
}

if (command == "report" && options.TryGetValue("tuning", out var tuningPath) && options.TryGetValue("heldout", out var heldoutPath))
{
    var tuning = new SetFigures(Read(tuningPath));
    var heldout = new SetFigures(Read(heldoutPath));
    SetFigures? beforeTuning = options.TryGetValue("before-tuning", out var bt) ? new SetFigures(Read(bt)) : null;
    SetFigures? beforeHeldout = options.TryGetValue("before-heldout", out var bh) ? new SetFigures(Read(bh)) : null;
    string report = PopulationReport.Build(tuning, heldout, beforeTuning, beforeHeldout, options.GetValueOrDefault("before-label"));
    if (options.TryGetValue("report", out var reportPath))
    {
        File.WriteAllText(reportPath, report);
        Console.WriteLine($"report written to {reportPath}");
    }
    else
    {
        Console.WriteLine(report);
    }

    return 0;
}

if (command == "check" && options.TryGetValue("results", out var resultsPath))
{
    // The CI gate on a small subset: every planted fault reported at its place, no warning on a healthy run, no crash.
    // Deterministic (fixed seeds, one thread), so a failure here is a rule that changed, not noise.
    var figures = new SetFigures(Read(resultsPath));
    var problems = new List<string>();
    problems.AddRange(figures.Healthy.Where(r => SetFigures.Warnings(r).Any())
        .Select(r => $"healthy seed {r.Seed} ({r.Setup}) raised {SetFigures.Warnings(r).First().Kind} at step {SetFigures.Warnings(r).First().Step}: {SetFigures.Warnings(r).First().Message}"));
    problems.AddRange(figures.Faults.Where(f => !f.Detected || !f.HeadlineLayerRight)
        .Select(f => $"faulted seed {f.Run.Seed} ({f.Run.Fault} at {f.Run.ExpectedLayer}, step {f.Run.Onset}): " + (f.Detected ? $"headline names {f.Headline?.Layer}" : "not detected")));
    problems.AddRange(figures.Runs.Where(r => r.Error is not null).Select(r => $"seed {r.Seed} crashed: {r.Error}"));
    Console.WriteLine($"population check: {figures.Healthy.Count} healthy, {figures.Faults.Count} faulted, {problems.Count} problem(s)");
    problems.ForEach(p => Console.WriteLine("  " + p));
    return problems.Count == 0 ? 0 : 1;
}

Console.Error.WriteLine(Usage);
return 2;

int Int(string key, int fallback) => options.TryGetValue(key, out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

static List<RunRecord> Read(string path) =>
    File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<RunRecord>(l, Json)!).ToList();

/// <summary>Shared JSON settings: losses can be NaN or ±∞.</summary>
internal static partial class Program
{
    public static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
