using System.Diagnostics;
using TrainWatch.Events;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Reliability;

/// <summary>
/// Kills a logging process with SIGKILL at random moments, the way databases test crash safety: everything flushed
/// before the kill must be there with valid CRCs, the only damage allowed is a torn tail, and a restart appends a new
/// file without touching the old one.
/// </summary>
public class CrashSafetyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // 20 in CI; scripts/crash-trials.sh runs more through TRAINWATCH_CRASH_TRIALS.
    private static int Trials =>
        int.TryParse(Environment.GetEnvironmentVariable("TRAINWATCH_CRASH_TRIALS"), out int trials) && trials > 0 ? trials : 20;

    private static readonly string s_trialProgram = Path.Combine(AppContext.BaseDirectory, "TrainWatch.CrashTrial.dll");

    private static Process Start(string logDir, params string[] mode)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(s_trialProgram);
        info.ArgumentList.Add(logDir);
        foreach (var arg in mode)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    [Fact]
    public void Every_flushed_record_survives_a_SIGKILL_and_a_restart_leaves_the_old_file_untouched()
    {
        using var dir = new TempDirectory();
        var random = new Random(17);
        long totalFlushed = 0, totalOnDisk = 0, tornTails = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            string run = dir.Combine($"trial{trial}");
            long flushed = 0;
            using (var child = Start(run, "forever"))
            {
                // The kill comes after the child's k-th flush (k from the seeded random): an explicit signal, not a sleep,
                // so each trial kills a child that has flushed, and where in its cycle (logging, histogram, write, next
                // flush) the kill lands still varies, which is the point.
                int killAfterFlush = random.Next(1, 8);
                var flushes = new SemaphoreSlim(0); // not disposed: the output thread may still release it as the child dies
                child.OutputDataReceived += (_, e) =>
                {
                    if (e.Data?.StartsWith("flushed ") == true)
                    {
                        Interlocked.Exchange(ref flushed, long.Parse(e.Data["flushed ".Length..]));
                        flushes.Release();
                    }
                };
                child.BeginOutputReadLine();
                for (int seen = 0; seen < killAfterFlush; seen++)
                {
                    Assert.True(flushes.Wait(TimeSpan.FromSeconds(60)), $"the trial program stopped after {seen} flushes");
                }

                long flushedBeforeKill = Interlocked.Read(ref flushed);
                child.Kill(); // SIGKILL: no handler runs
                child.WaitForExit();
                flushed = flushedBeforeKill;
            }

            string file = EventFiles.Single(run);
            var contents = EventFileReader.ReadAll(file);
            Assert.True(contents.State != EventFileState.Corrupt, $"trial {trial}: {contents.Problem} at {contents.ProblemOffset}");
            var steps = contents.Events.Where(e => e.Event.Summary?.Value.Any(v => v.Tag == "x") == true).Select(e => e.Event.Step).ToList();
            Assert.True(steps.Count >= flushed, $"trial {trial}: {steps.Count} scalars on disk, {flushed} had been flushed");
            Assert.Equal(Enumerable.Range(0, steps.Count).Select(i => (long)i), steps);
            totalFlushed += flushed;
            totalOnDisk += steps.Count;
            tornTails += contents.State == EventFileState.TruncatedTail ? 1 : 0;

            // Restart into the same run: a new file; the crashed one keeps its bytes.
            byte[] before = File.ReadAllBytes(file);
            using (var restart = Start(run, "exit", "10"))
            {
                restart.WaitForExit();
                Assert.Equal(0, restart.ExitCode);
            }

            Assert.Equal(before, File.ReadAllBytes(file));
            Assert.Equal(2, Directory.GetFiles(run).Count(EventFileName.IsEventFile));
        }

        output.WriteLine($"{Trials} SIGKILL trials: {totalFlushed} records flushed before the kills, {totalOnDisk} on disk afterwards, 0 flushed records lost, {tornTails} files with a torn tail.");
    }

    [Fact]
    public void A_process_that_exits_without_disposing_its_writer_still_writes_everything()
    {
        using var dir = new TempDirectory();
        using (var child = Start(dir.Path, "exit", "5000"))
        {
            child.WaitForExit();
            Assert.Equal(0, child.ExitCode);
        }

        var values = EventFiles.Values(EventFiles.ReadIntact(dir.Path));
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (float)i), values.Select(v => v.Value.SimpleValue));
    }

    [Fact]
    public void Two_processes_writing_into_one_run_directory_each_get_a_valid_file_of_their_own()
    {
        using var dir = new TempDirectory();
        using var first = Start(dir.Path, "exit", "3000");
        using var second = Start(dir.Path, "exit", "3000");
        first.WaitForExit();
        second.WaitForExit();
        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));

        var files = Directory.GetFiles(dir.Path).Where(EventFileName.IsEventFile).ToList();
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            var contents = EventFileReader.ReadAll(file);
            Assert.Equal(EventFileState.Intact, contents.State);
            var values = contents.Events.Where(e => e.Event.Summary is not null).Select(e => e.Event.Summary.Value[0].SimpleValue);
            Assert.Equal(Enumerable.Range(0, 3000).Select(i => (float)i), values);
        }
    }
}
