namespace TrainWatch.Examples.FaultZoo.Zoo;

/// <summary>How the zoo runs: which cases, how long, where.</summary>
/// <param name="Models">Architectures to run.</param>
/// <param name="Faults">Faults to plant (healthy twins always run: diff compares against them).</param>
/// <param name="Steps">Training steps per run.</param>
/// <param name="Every">The watcher's sampling interval.</param>
/// <param name="Onset">The step every fault is planted at.</param>
/// <param name="OutputDirectory">Where the runs are written (one directory per case).</param>
/// <param name="CliPath">TrainWatch.Cli.dll for <c>trainwatch diff</c>, or null to skip diffs.</param>
/// <param name="ReportPath">Where to write the markdown report, or null.</param>
public sealed record ZooSettings(
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Faults,
    int Steps,
    int Every,
    int Onset,
    string OutputDirectory,
    string? CliPath,
    string? ReportPath)
{
    /// <summary>Parses <c>--models a,b --faults x,y --steps N --every K --onset S --out DIR --cli DLL --report FILE</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a value that does not parse.</exception>
    public static ZooSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --option value pairs, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string[] known = ["models", "faults", "steps", "every", "onset", "out", "cli", "report"];
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"Unknown option --{unknown}; known: {string.Join(", ", known.Select(k => "--" + k))}.");
        }

        var settings = new ZooSettings(
            List(values.GetValueOrDefault("models")) ?? FaultZoo.Models.ZooModels.Names,
            List(values.GetValueOrDefault("faults")) ?? Fault.All.Select(f => f.Name).ToList(),
            Int(values, "steps", 300),
            Int(values, "every", 10),
            Int(values, "onset", 200),
            values.GetValueOrDefault("out") ?? Path.Combine(Path.GetTempPath(), "trainwatch-zoo"),
            values.GetValueOrDefault("cli"),
            values.GetValueOrDefault("report"));
        if (settings.Onset >= settings.Steps || settings.Every < 1)
        {
            throw new ArgumentException("--onset must be below --steps, and --every at least 1.");
        }

        return settings;
    }

    private static List<string>? List(string? value) => value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int Int(Dictionary<string, string> values, string key, int fallback) =>
        values.TryGetValue(key, out var text) ? int.TryParse(text, out int v) && v > 0 ? v : throw new ArgumentException($"--{key} takes a positive whole number, not '{text}'.") : fallback;
}
