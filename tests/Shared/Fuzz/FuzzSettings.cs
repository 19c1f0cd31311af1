using System.Globalization;
using FsCheck;
using Microsoft.FSharp.Core;

namespace TrainWatch.Testing.Fuzz;

/// <summary>
/// The FsCheck configuration of every fuzz property: a fixed seed and case count, so CI runs the same cases every time.
/// To search further, set TRAINWATCH_FUZZ_SEED (any unsigned number) and/or TRAINWATCH_FUZZ_CASES (cases per property),
/// e.g. <c>TRAINWATCH_FUZZ_SEED=$RANDOM TRAINWATCH_FUZZ_CASES=100000 dotnet test --filter FullyQualifiedName~Fuzz</c>.
/// </summary>
public static class FuzzSettings
{
    public const string SeedVariable = "TRAINWATCH_FUZZ_SEED";
    public const string CasesVariable = "TRAINWATCH_FUZZ_CASES";

    private const ulong DefaultSeed = 20_260_101;

    /// <summary>The FsCheck seed: <see cref="SeedVariable"/> or the fixed default.</summary>
    public static ulong Seed => ReadNumber(SeedVariable) ?? DefaultSeed;

    /// <summary>Cases to run for a property that runs <paramref name="defaultCases"/> by default.</summary>
    public static int Cases(int defaultCases) => (int)Math.Min(int.MaxValue, ReadNumber(CasesVariable) ?? (ulong)defaultCases);

    /// <summary>Throw on failure (with the shrunk counterexample), quiet on success, replaying from <see cref="Seed"/>.</summary>
    public static Config Config(int defaultCases) =>
        FsCheck.Config.QuickThrowOnFailure
            .WithMaxTest(Cases(defaultCases))
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed), FSharpOption<int>.None)));

    private static ulong? ReadNumber(string variable)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new InvalidOperationException($"{variable} must be a whole number, not '{text}'.");
    }
}
