using System.Diagnostics;
using System.Text.Json;

namespace TrainWatch.Examples.FaultZoo.Zoo;

/// <summary>What <c>trainwatch diff healthy faulty --json</c> named.</summary>
/// <param name="Kind">The root cause's kind (<c>layer</c>, <c>learning_rate</c>, …), or null when it found none.</param>
/// <param name="Layer">The layer (a parameter or module path) it named first, or the first non-finite layer.</param>
/// <param name="Onset">The step it dated the divergence to.</param>
/// <param name="ExitCode">The command's exit code (1: differences found).</param>
/// <param name="NonFiniteStep">The step it found the faulty run turned non-finite, if it did.</param>
public sealed record DiffVerdict(string? Kind, string? Layer, long? Onset, int ExitCode, long? NonFiniteStep);

/// <summary>Runs the real <c>trainwatch diff</c> command, as a user would, and reads its JSON.</summary>
public static class DiffProbe
{
    public static DiffVerdict Run(string cliPath, string healthy, string faulty)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { cliPath, "diff", healthy, faulty, "--json" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode > 1)
        {
            throw new InvalidOperationException($"trainwatch diff failed ({process.ExitCode}): {stderr.Result}");
        }

        return Read(stdout, process.ExitCode);
    }

    /// <summary>The verdict in the JSON <c>trainwatch diff --json</c> printed (with <paramref name="exitCode"/>, its exit code).</summary>
    public static DiffVerdict Read(string stdout, int exitCode)
    {
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        string? kind = null, layer = null;
        long? onset = null;
        if (root.TryGetProperty("root_cause", out var cause) && cause.ValueKind == JsonValueKind.Object)
        {
            kind = cause.GetProperty("kind").GetString();
            layer = cause.TryGetProperty("layer", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            onset = cause.GetProperty("onset_step").GetInt64();
        }

        // A run that turned non-finite: the first layer it names is the diff's answer when it gave no other.
        long? nonFiniteStep = null;
        if (root.TryGetProperty("non_finite", out var nonFinite) && nonFinite.GetArrayLength() > 0)
        {
            var first = nonFinite[0];
            nonFiniteStep = first.GetProperty("step").GetInt64();
            layer ??= first.TryGetProperty("first_layer", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            onset ??= nonFiniteStep;
            kind ??= "non_finite";
        }

        return new DiffVerdict(kind, layer, onset, exitCode, nonFiniteStep);
    }
}
