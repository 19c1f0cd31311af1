using System.Text.Json;
using TrainWatch.Cli.Tests.Support;
using TrainWatch.Events;
using TrainWatch.Summaries;

namespace TrainWatch.Cli.Tests.Commands;

public class TailCommandTests
{
    [Fact]
    public void Once_shows_the_latest_value_per_tag_and_every_alert()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Combine("run")))
        {
            writer.AddScalar("loss", 2.0, 1);
            writer.AddScalar("loss", 0.5, 2);
            writer.AddText("alerts/nan", "NaN in **fc1.weight** gradients", 2);
            writer.AddScalar("alerts/count", 1, 2);
            writer.AddText("notes", "not an alert", 2);
        }

        var text = TrainWatchCli.Run("tail", dir.Path, "--once", "--tags");
        var json = TrainWatchCli.Run("tail", dir.Path, "--once", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("ALERT run alerts/nan step 2: NaN in **fc1.weight** gradients", text.Out);
        Assert.DoesNotContain("not an alert", text.Out);
        Assert.Contains("0.5", text.Out);
        Assert.Contains("1 run(s), 1 alert(s).", text.Out);

        Assert.Equal(0, json.ExitCode);
        var lines = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var alert = Assert.Single(lines, l => l.GetProperty("type").GetString() == "alert");
        Assert.Equal("alerts/nan", alert.GetProperty("tag").GetString());
        var loss = Assert.Single(lines, l => l.GetProperty("type").GetString() == "scalar" && l.GetProperty("tag").GetString() == "loss");
        Assert.Equal(0.5, loss.GetProperty("value").GetDouble());
        Assert.Equal(2, loss.GetProperty("step").GetInt64());
    }

    [Fact]
    public async Task Follows_a_growing_file_and_new_runs_and_stops_cleanly_when_cancelled()
    {
        using var dir = new TempDirectory();
        var output = new LockedStringWriter();
        var error = new LockedStringWriter();
        using var cancellation = new CancellationTokenSource();
        var options = new EventWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(20) };
        using var writer = new EventFileWriter(dir.Combine("run1"), options);
        writer.Write(1, ScalarSummary.Build("loss", 1.0));
        writer.Flush();

        var tail = Task.Run(() => CliApp.RunAsync(["tail", dir.Path, "--json", "--interval", "0.05"], output, error, cancellation.Token));
        await Eventually.WaitFor(() => output.Text.Contains("\"tag\":\"loss\""), "the first value");

        // A record appended to the same file, and a run that did not exist when tail started.
        writer.Write(2, TextSummary.Build("alerts/exploding", "fc2 norm ×100 in 50 steps"));
        writer.Flush();
        using (var second = new SummaryWriter(dir.Combine("run2")))
        {
            second.AddScalar("accuracy", 0.75, 5);
        }

        await Eventually.WaitFor(() => output.Text.Contains("fc2 norm") && output.Text.Contains("\"run\":\"run2\""), "the new alert and the new run");
        cancellation.Cancel();
        int exitCode = await tail.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error.Text);
    }

    [Fact]
    public void Duration_ends_the_follow_by_itself()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Combine("run")))
        {
            writer.AddScalar("loss", 1.0, 1);
        }

        var result = TrainWatchCli.Run("tail", dir.Path, "--duration", "0.3", "--interval", "0.05");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("loss", result.Out);
    }

    /// <summary>A StringWriter safe to read while tail writes to it from another thread.</summary>
    private sealed class LockedStringWriter : StringWriter
    {
        private readonly object _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, index, count);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }
    }
}
