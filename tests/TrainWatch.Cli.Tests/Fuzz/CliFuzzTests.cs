using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;
using TrainWatch.Testing.Fuzz;
using Xunit.Abstractions;

namespace TrainWatch.Cli.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing of <c>trainwatch</c> (FsCheck): a damaged event file in a run goes through <c>inspect</c> and,
/// in turn, <c>export</c> (CSV or JSON) or <c>diff</c> against the intact run, in-process. Every command keeps the failure
/// contract: exit 0 or 1 (never 2, which is for usage and I/O errors and for exceptions that escaped a command), no stack
/// trace, no exception name, and problems said in one-line messages on stderr. Seed and case count: see
/// <see cref="FuzzSettings"/> (TRAINWATCH_FUZZ_SEED, TRAINWATCH_FUZZ_CASES).
/// </summary>
public sealed class CliFuzzTests(ITestOutputHelper output) : IDisposable
{
    // 10,000 damaged files, each through inspect and through one of export csv, export json and diff in turn.
    private const int DefaultCases = 10_000;

    private readonly TempDirectory _directory = new();

    [Fact]
    public void Damaged_files_through_every_command_exit_zero_or_one_with_a_one_line_message_and_no_stack_trace()
    {
        var seeds = CliFuzzSeeds.All;
        // Reused for every case: one intact run per seed, one run whose single file is overwritten with each damaged copy.
        var intactRuns = seeds.Select((seed, i) => _directory.Combine("intact", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        for (int i = 0; i < seeds.Count; i++)
        {
            WriteEventFile(intactRuns[i], seeds[i].Bytes);
        }

        string damagedRun = _directory.Combine("damaged");
        int filesRun = 0;
        var clock = Stopwatch.StartNew();

        var property = Prop.ForAll(FuzzCase.Arbitrary(seeds), fuzzCase =>
        {
            string file = WriteEventFile(damagedRun, fuzzCase.Apply());
            var contents = EventFileReader.ReadAll(file);
            bool damaged = contents.State == EventFileState.Corrupt || contents.Events.Count == 0;

            var inspect = TrainWatchCli.Run("inspect", damagedRun);
            AssertCleanOutcome(inspect);
            Assert.True(inspect.ExitCode == (damaged ? 1 : 0), $"inspect exit {inspect.ExitCode} for a file read as {contents.State} with {contents.Events.Count} events. stderr: {inspect.Error}");

            int turn = Interlocked.Increment(ref filesRun) % 3;
            if (turn < 2)
            {
                var export = TrainWatchCli.Run("export", damagedRun, "--format", turn == 0 ? "csv" : "json");
                AssertCleanOutcome(export);
                Assert.Equal(inspect.ExitCode, export.ExitCode);
            }
            else
            {
                // diff also exits 1 for what it finds (a tag over the threshold, an exploding norm), said on stdout.
                var diff = TrainWatchCli.Run("diff", intactRuns[IndexOf(seeds, fuzzCase.Seed)], damagedRun);
                AssertCleanOutcome(diff, findingsOnStdoutExplainExitOne: true);
            }
        });

        Check.One(FuzzSettings.Config(DefaultCases), property);
        output.WriteLine($"{filesRun} damaged files, {2 * filesRun} command runs, in {clock.Elapsed.TotalSeconds:F1} s");
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>The failure contract for fuzzed input, stricter than <see cref="CliResult.AssertCleanFailure"/>: exit 2 is never right here.</summary>
    private static void AssertCleanOutcome(CliResult result, bool findingsOnStdoutExplainExitOne = false)
    {
        string both = $"exit {result.ExitCode}\nstderr: {result.Error}\nstdout: {result.Out}";
        Assert.True(result.ExitCode is ExitCodes.Ok or ExitCodes.ProblemsFound, both);
        Assert.DoesNotMatch(CliResult.StackFrame(), result.Out + result.Error);
        Assert.DoesNotContain("Exception", result.Out + result.Error);

        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.All(line => line.StartsWith("trainwatch: ", StringComparison.Ordinal)), "every stderr line is a one-line message: " + both);
        if (result.ExitCode == ExitCodes.ProblemsFound)
        {
            bool problemSaid = lines.Any(line => !line.StartsWith("trainwatch: warning: ", StringComparison.Ordinal));
            bool findingsShown = findingsOnStdoutExplainExitOne && (result.Out.Contains("exceed the threshold", StringComparison.Ordinal) || result.Out.Contains("exploding norms", StringComparison.Ordinal));
            Assert.True(problemSaid || findingsShown, "exit 1 must say why: " + both);
        }
    }

    private static string WriteEventFile(string runDirectory, byte[] bytes)
    {
        Directory.CreateDirectory(runDirectory);
        string file = Path.Combine(runDirectory, "events.out.tfevents.1700000000.fuzz");
        File.WriteAllBytes(file, bytes);
        return file;
    }

    private static int IndexOf(IReadOnlyList<SeedEventFile> seeds, SeedEventFile seed) => seeds.ToList().IndexOf(seed);
}
