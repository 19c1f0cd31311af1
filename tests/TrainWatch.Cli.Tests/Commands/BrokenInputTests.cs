using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;

namespace TrainWatch.Cli.Tests.Commands;

public class BrokenInputTests
{
    private static string WriteScalarRun(string directory, int events = 20)
    {
        using (var writer = new SummaryWriter(directory))
        {
            for (int step = 0; step < events; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
            }
        }

        return Directory.GetFiles(directory).Single(EventFileName.IsEventFile);
    }

    private static long[] RecordOffsets(string file) => EventFileReader.ReadAll(file).Events.Select(e => e.Offset).ToArray();

    [Fact]
    public void A_flipped_byte_is_reported_with_the_file_and_the_damaged_records_offset_and_exit_one()
    {
        using var dir = new TempDirectory();
        string file = WriteScalarRun(dir.Combine("run"));
        long damagedRecord = RecordOffsets(file)[5];
        var bytes = File.ReadAllBytes(file);
        bytes[damagedRecord + 14] ^= 0x40; // inside the payload: the data CRC no longer matches
        File.WriteAllBytes(file, bytes);

        // Wide enough that the integrity column does not wrap the message this test looks for.
        var inspect = TrainWatchCli.RunAt(200, "inspect", dir.Path);
        var export = TrainWatchCli.Run("export", dir.Path);
        var inspectJson = TrainWatchCli.Run("inspect", dir.Path, "--json");

        inspect.AssertCleanFailure(1);
        Assert.Contains($"'{file}' is corrupt at byte {damagedRecord}: data CRC mismatch", inspect.Error);
        Assert.Contains($"CORRUPT at byte {damagedRecord}", inspect.Out);
        export.AssertCleanFailure(1);
        Assert.Contains($"corrupt at byte {damagedRecord}", export.Error);
        Assert.Equal(1, inspectJson.ExitCode);
        Assert.Contains($"\"problem_offset\": {damagedRecord}", inspectJson.Out);
    }

    [Fact]
    public void A_truncated_tail_is_a_warning_with_exit_zero_because_a_file_being_written_looks_like_that()
    {
        using var dir = new TempDirectory();
        string file = WriteScalarRun(dir.Combine("run"));
        long lastRecord = RecordOffsets(file)[^1];
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(lastRecord + 7);
        }

        var result = TrainWatchCli.Run("inspect", dir.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"ends in an incomplete record at byte {lastRecord}", result.Error);
        Assert.Contains("normal while a writer is still writing it", result.Error);
    }

    [Fact]
    public void A_file_truncated_inside_its_first_record_has_no_event_and_exits_one()
    {
        using var dir = new TempDirectory();
        string file = WriteScalarRun(dir.Combine("run"));
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(5);
        }

        var result = TrainWatchCli.Run("inspect", dir.Path);

        result.AssertCleanFailure(1);
        Assert.Contains("holds no complete record (5 bytes)", result.Error);
    }

    [Fact]
    public void An_empty_event_file_is_a_problem()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("events.out.tfevents.1.host"), []);

        var result = TrainWatchCli.Run("inspect", dir.Path);

        result.AssertCleanFailure(1);
        Assert.Contains("is empty (0 bytes)", result.Error);
    }

    [Fact]
    public void A_file_named_like_an_event_file_that_is_not_one_is_a_problem()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("events.out.tfevents.1.host"), "this is a text file pretending to be an event file, long enough for a header");

        foreach (var result in new[] { TrainWatchCli.Run("inspect", dir.Path), TrainWatchCli.Run("export", dir.Path), TrainWatchCli.Run("diff", dir.Path, dir.Path) })
        {
            result.AssertCleanFailure(1);
            Assert.Contains("is not a TensorBoard event file", result.Error);
        }
    }

    [Fact]
    public void A_directory_without_event_files_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("notes.txt"), "hello");

        var result = TrainWatchCli.Run("inspect", dir.Path);

        result.AssertCleanFailure(2);
        Assert.Contains("no event files under", result.Error);
    }

    [Fact]
    public void A_file_that_is_not_named_as_an_event_file_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("notes.txt"), "hello");

        var result = TrainWatchCli.Run("diff", dir.Combine("notes.txt"), dir.Combine("notes.txt"));

        result.AssertCleanFailure(2);
        Assert.Contains("is not an event file", result.Error);
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("export")]
    [InlineData("tail")]
    [InlineData("diff")]
    public void A_path_that_does_not_exist_is_a_one_line_usage_error(string command)
    {
        string missing = Path.Combine(Path.GetTempPath(), "trainwatch-cli-tests", "does-not-exist", Guid.NewGuid().ToString("N"));
        string[] args = command == "diff" ? [command, missing, missing] : command == "tail" ? [command, missing, "--once"] : [command, missing];

        var result = TrainWatchCli.Run(args);

        result.AssertCleanFailure(2);
        Assert.Equal($"trainwatch: '{missing}' does not exist.", result.Error.Trim());
    }

    [Fact]
    public async Task An_interrupted_read_is_not_reported_as_success()
    {
        using var dir = new TempDirectory();
        WriteScalarRun(dir.Combine("run"));
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = await CliApp.RunAsync(["export", dir.Path], output, error, new CancellationToken(canceled: true));

        Assert.Equal(2, exitCode);
        Assert.Equal("trainwatch: interrupted.", error.ToString().Trim());
    }

    [Fact]
    public void Bad_arguments_exit_two_without_running_anything()
    {
        var missingArgument = TrainWatchCli.Run("diff", "only-one-run");
        var badFormat = TrainWatchCli.Run("export", ".", "--format", "xml");
        var unknown = TrainWatchCli.Run("frobnicate");

        missingArgument.AssertCleanFailure(2);
        badFormat.AssertCleanFailure(2);
        unknown.AssertCleanFailure(2);
    }
}
