using Microsoft.Extensions.Time.Testing;
using TrainWatch.Events;
using TrainWatch.Summaries;
using TrainWatch.Tests.Support;

namespace TrainWatch.Tests.Reliability;

/// <summary>
/// Permission withdrawn in the middle of a run (a mount turned read-only, an ACL or owner changed, a quota): every
/// write, flush, truncation and new file is refused. Training must go on, the error must be reported once with a count,
/// what was already written must stay intact, and the chosen policy decides what happens to later events.
/// </summary>
public sealed class PermissionLossTests
{
    private const int Phase = 200;

    [Fact]
    public void Keep_trying_holds_the_events_and_writes_them_into_a_new_file_once_permission_returns()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        bool denied = false;
        var streams = new List<FaultyStream>();

        // A clock that does not move: the retry backoff allows exactly one attempt while permission is denied, and
        // closing makes one more, whatever the machine's speed.
        var clock = new FakeTimeProvider();
        var options = new EventWriterOptions
        {
            Logger = logger,
            Time = clock,
            OnWriteError = WriteErrorPolicy.KeepTrying,
            OpenStream = FaultyStream.Factory(s => s.AccessDenied = () => Volatile.Read(ref denied), streams, () => Volatile.Read(ref denied)),
        };
        var writer = new EventFileWriter(dir.Path, options);
        string firstFile = writer.FilePath;

        WriteSteps(writer, 0, Phase);
        writer.Flush();
        byte[] before = File.ReadAllBytes(firstFile);

        Volatile.Write(ref denied, true);
        WriteSteps(writer, Phase, 2 * Phase); // flushes inside: none may throw into the caller
        var whileDenied = writer.Statistics;

        Volatile.Write(ref denied, false);
        WriteSteps(writer, 2 * Phase, 3 * Phase);
        writer.Dispose();

        Assert.Equal(1, whileDenied.WriteErrors); // four flushes, one attempt: the others fall inside the retry delay
        Assert.Equal(1, writer.Statistics.WriteErrors);
        Assert.IsType<UnauthorizedAccessException>(whileDenied.FirstError);
        Assert.Single(logger.Messages, m => m.Contains("could not write events", StringComparison.Ordinal) && m.Contains("retries", StringComparison.Ordinal));

        // Nothing already written was touched; nothing was lost: the held events went to a new file in the same run.
        Assert.Equal(before, File.ReadAllBytes(firstFile)[..before.Length]);
        var files = Directory.GetFiles(dir.Path).Where(EventFileName.IsEventFile).Order().ToList();
        Assert.Equal(2, files.Count);
        var steps = files.SelectMany(f => Read(f)).ToList();
        Assert.Equal(Enumerable.Range(0, 3 * Phase).Select(i => (long)i), steps);
        Assert.Equal(0, writer.Statistics.EventsLost);
    }

    [Fact]
    public void Stop_gives_up_the_run_counts_what_is_lost_and_leaves_the_written_file_intact()
    {
        using var dir = new TempDirectory();
        var logger = new ListLogger();
        bool denied = false;
        var options = new EventWriterOptions
        {
            Logger = logger,
            OnWriteError = WriteErrorPolicy.Stop,
            OpenStream = FaultyStream.Factory(s => s.AccessDenied = () => Volatile.Read(ref denied), null, () => Volatile.Read(ref denied)),
        };
        var writer = new EventFileWriter(dir.Path, options);

        WriteSteps(writer, 0, Phase);
        writer.Flush();
        Volatile.Write(ref denied, true);
        WriteSteps(writer, Phase, 2 * Phase);
        Volatile.Write(ref denied, false); // too late: the policy said stop
        WriteSteps(writer, 2 * Phase, 3 * Phase);
        writer.Dispose();

        var stats = writer.Statistics;
        Assert.Equal(Phase, stats.EventsWritten);
        Assert.Equal(2 * Phase, stats.EventsLost);
        Assert.Single(logger.Messages, m => m.Contains("stops writing this run", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, Phase).Select(i => (long)i), Read(writer.FilePath));
    }

    private static void WriteSteps(EventFileWriter writer, int from, int to)
    {
        for (int step = from; step < to; step++)
        {
            writer.Write(step, ScalarSummary.Build("loss", step));
            if (step % 50 == 49)
            {
                writer.Flush();
            }
        }
    }

    private static IEnumerable<long> Read(string file)
    {
        var contents = EventFileReader.ReadAll(file);
        Assert.True(contents.State == EventFileState.Intact, $"{file}: {contents.State} {contents.Problem}");
        return contents.Events.Where(e => e.Event.Summary is not null).Select(e => e.Event.Step);
    }
}
