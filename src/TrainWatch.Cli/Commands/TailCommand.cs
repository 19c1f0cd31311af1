using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;
using TrainWatch.Cli.Rendering;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Commands;

/// <summary>
/// <c>trainwatch tail LOGDIR</c>: follows a log directory while training runs — by default a dashboard of each run's
/// pulse (headline scalars, layers worst health first, alerts newest first: <see cref="DashboardView"/>); with
/// <c>--tags</c> the latest value of every tag. Every new alert (text summaries under <c>alerts/</c>) shows as it
/// appears; new files and runs are picked up; Ctrl+C stops with exit code 0. <c>--once</c> reads what is there and exits;
/// <c>--duration</c> follows for a while.
/// </summary>
internal static class TailCommand
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    // Scalars kept per tag: enough for the widest sparkline and for the gradient-jump rule's window plus the latest value.
    private static readonly int s_recentScalars = Math.Max(DashboardView.MaxSparklineWidth, LayerHealthRanking.JumpWindow + 1);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext context)
    {
        var logDirectory = CommonOptions.LogDirectory();
        var once = new Option<bool>("--once") { Description = "Read what is there now, print it and exit (for scripts and tests)." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds." };
        var interval = new Option<double>("--interval") { Description = "Seconds between reads.", DefaultValueFactory = _ => 1.0 };
        var tags = CommonOptions.Tags();

        // A bare --tags (after LOGDIR) asks for the full table of every tag; with globs it lists only those.
        tags.Arity = ArgumentArity.ZeroOrOne;
        tags.Description = "Show the latest value of every tag instead of the dashboard; optional comma-separated globs narrow it ('*' matches anything, slashes included).";
        var json = CommonOptions.Json();
        json.Description = "Write one JSON object per line: each new alert and each changed latest value.";
        var command = new Command("tail", "Follow runs live: each run's loss, gradient norm, learning rate and eval metrics, its least healthy layers and its alerts. Ctrl+C stops (exit 0).")
        {
            logDirectory, once, duration, interval, tags, json,
        };
        command.SetAction((parse, cancellation) => RunAsync(context, new TailSettings(
            parse.GetValue(logDirectory)!,
            parse.GetValue(once),
            parse.GetValue(duration),
            parse.GetValue(interval),
            TagGlob.Parse(parse.GetValue(tags)),
            parse.GetValue(json),
            TagTable: parse.GetResult(tags) is not null), context.CreateConsole(), cancellation));
        return command;
    }

    /// <summary>
    /// Runs <c>tail</c> showing its tables on <paramref name="console"/>. <paramref name="refreshed"/>, when given, is called
    /// after each refresh of the live view, on the thread that draws it (tests read a test console there, never mid-draw).
    /// </summary>
    internal static async Task<int> RunAsync(CliContext context, TailSettings settings, IAnsiConsole console, CancellationToken cancellation, Action? refreshed = null)
    {
        if (!Directory.Exists(settings.LogDirectory))
        {
            throw new CliException(File.Exists(settings.LogDirectory)
                ? $"'{settings.LogDirectory}' is a file; tail follows a log directory."
                : $"'{settings.LogDirectory}' does not exist.");
        }

        if (settings.Duration is < 0 || !(settings.Interval > 0))
        {
            throw new CliException("--duration must not be negative and --interval must be positive.");
        }

        using var stopAfter = settings.Duration is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, stopAfter.Token);
        using var follower = new RunFollower(settings.LogDirectory, new ReadOptions(KeepScalars: true, KeepHistograms: true, KeepTexts: true, settings.Tags, LatestOnly: true, RecentScalars: s_recentScalars, EveryText: TagGlob.Parse(TailSnapshot.AlertPrefix + "*")));
        var snapshot = new TailSnapshot();
        var loop = new TailLoop(context, settings, follower, snapshot, stop.Token);

        if (context.Interactive && !settings.Json && !settings.Once)
        {
            await LiveAsync(console, loop, refreshed).ConfigureAwait(false);
        }
        else
        {
            await loop.RunAsync(() => EmitLines(context, settings, snapshot, follower)).ConfigureAwait(false);
            if (!settings.Json)
            {
                WriteFinal(console, settings, follower, snapshot);
            }
        }

        if (settings.Once && !follower.Runs.Any())
        {
            throw new CliException($"no event files under '{settings.LogDirectory}' (TensorBoard event files have 'tfevents' in their name).");
        }

        return loop.SawCorruption ? ExitCodes.ProblemsFound : ExitCodes.Ok;
    }

    private static async Task LiveAsync(IAnsiConsole console, TailLoop loop, Action? refreshed)
    {
        // A live view taller than the terminal scrolls and garbles: keep room for the alerts panel and the status line.
        int maxRows = Math.Max(5, console.Profile.Height - 20);
        await console.Live(new Text("reading..."))
            .AutoClear(false)
            .StartAsync(async live => await loop.RunAsync(() =>
            {
                loop.Snapshot.TakeNewAlerts(loop.Follower.Runs);
                live.UpdateTarget(loop.Settings.TagTable ? BuildTagView(loop, maxRows, console.Profile.Width) : BuildDashboardView(loop, console));
                live.Refresh();
                refreshed?.Invoke();
            }).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    // Two rows of the terminal are the legend's and the status line's.
    private static IRenderable BuildDashboardView(TailLoop loop, IAnsiConsole console) => new Rows(
        DashboardView.Build(loop.Follower.Runs.ToList(), console.Profile.Width, console.Profile.Capabilities.Unicode, console.Profile.Height - 2),
        new Text(DashboardView.Legend(console.Profile.Width, console.Profile.Capabilities.Unicode), new Style(decoration: Decoration.Dim)),
        StatusLine(loop));

    private static IRenderable BuildTagView(TailLoop loop, int maxRows, int width)
    {
        var latest = new Text(string.Join('\n', LatestTable(loop.Follower, maxRows).Render(width)));
        var alerts = loop.Snapshot.Alerts.TakeLast(10).Select(a => new Markup($"[red]{Markup.Escape(DescribeAlert(a))}[/]")).ToList<IRenderable>();
        var alertPanel = new Panel(alerts.Count > 0 ? new Rows(alerts) : new Text("no alerts")).Header("alerts");
        return new Rows(latest, alertPanel, StatusLine(loop));
    }

    private static Text StatusLine(TailLoop loop)
    {
        var runs = loop.Follower.Runs.Count();
        return new Text(runs == 0
            ? $"waiting for event files under {loop.Settings.LogDirectory} ... (Ctrl+C to stop)"
            : $"following {runs} run(s) under {loop.Settings.LogDirectory}; {AlertCount(loop.Settings, loop.Follower, loop.Snapshot)} alert(s); Ctrl+C to stop");
    }

    // The dashboard counts single alerts (the watcher writes several in one text); the tag table counts the texts it lists.
    private static int AlertCount(TailSettings settings, RunFollower follower, TailSnapshot snapshot) =>
        settings.TagTable ? snapshot.Alerts.Count(a => a.Tag != AlertTags.Incidents) : follower.Runs.Sum(run => AlertTexts.Newest(run).Count);

    private static TextTable LatestTable(RunFollower follower, int maxRows = int.MaxValue)
    {
        var table = new TextTable(
            new TextColumn("run", Wraps: true),
            new TextColumn("tag", Wraps: true, Key: true),
            new TextColumn("step", RightAligned: true),
            new TextColumn("latest", Wraps: true, MinimumWidth: 24));
        var latest = TailSnapshot.Latest(follower.Runs);
        string? previousRun = null;
        foreach (var value in latest.Take(maxRows))
        {
            // A run's name heads its first row only: repeated on every row, a long name would take most of the table.
            table.AddRow(value.Run == previousRun ? string.Empty : value.Run, value.Tag, value.Step.ToString(s_invariant), DescribeValue(value));
            previousRun = value.Run;
        }

        if (latest.Count > maxRows)
        {
            table.AddRow("...", $"{latest.Count - maxRows} more tag(s): narrow with --tags", string.Empty, string.Empty);
        }

        return table;
    }

    private static void EmitLines(CliContext context, TailSettings settings, TailSnapshot snapshot, RunFollower follower)
    {
        var alerts = snapshot.TakeNewAlerts(follower.Runs);
        if (!settings.Json && !settings.TagTable && settings.Once)
        {
            return; // the dashboard printed at the end lists them, newest first
        }

        if (!settings.Json)
        {
            foreach (var alert in alerts)
            {
                context.Out.WriteLine(DescribeAlert(alert));
            }

            context.Out.Flush();
            return;
        }

        using (var stream = new TextWriterStream(context.Out))
        {
            foreach (var alert in alerts)
            {
                WriteJsonLine(stream, context.Out, json =>
                {
                    json.WriteString("type", "alert");
                    json.WriteString("run", alert.Run);
                    json.WriteString("tag", alert.Tag);
                    json.WriteNumber("step", alert.Step);
                    json.WriteString("text", alert.Text);
                });
            }

            foreach (var value in snapshot.TakeChanged(follower.Runs))
            {
                WriteJsonLine(stream, context.Out, json => WriteLatest(json, value));
            }
        }

        context.Out.Flush();
    }

    private static void WriteJsonLine(Stream stream, TextWriter writer, Action<Utf8JsonWriter> body)
    {
        using (var json = JsonOutput.Create(stream, indented: false))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        writer.WriteLine();
    }

    private static void WriteLatest(Utf8JsonWriter json, LatestValue value)
    {
        json.WriteString("type", value.Kind == ValueKind.Scalar ? "scalar" : "histogram");
        json.WriteString("run", value.Run);
        json.WriteString("tag", value.Tag);
        json.WriteNumber("step", value.Step);
        if (value.Histogram is { } h)
        {
            json.WriteDouble("min", h.Min);
            json.WriteDouble("max", h.Max);
            json.WriteDouble("num", h.Num);
            json.WriteDouble("mean", h.Mean);
            json.WriteDouble("std", h.StandardDeviation);
        }
        else
        {
            json.WriteDouble("value", value.Scalar);
        }
    }

    private static void WriteFinal(IAnsiConsole console, TailSettings settings, RunFollower follower, TailSnapshot snapshot)
    {
        if (follower.Runs.Any())
        {
            if (settings.TagTable)
            {
                foreach (string line in LatestTable(follower).Render(console.Profile.Width))
                {
                    console.WriteLine(line);
                }
            }
            else
            {
                console.Write(DashboardView.Build(follower.Runs.ToList(), console.Profile.Width, console.Profile.Capabilities.Unicode));
                console.WriteLine(DashboardView.Legend(console.Profile.Width, console.Profile.Capabilities.Unicode));
            }
        }

        console.WriteLine(string.Create(s_invariant, $"{follower.Runs.Count()} run(s), {AlertCount(settings, follower, snapshot)} alert(s)."));
    }

    // An incident's start is a line of its own kind, so `grep INCIDENT` gives one line per fault.
    private static string DescribeAlert(AlertEntry alert) => alert.Tag == AlertTags.Incidents
        ? string.Create(s_invariant, $"INCIDENT {alert.Run} step {alert.Step}: {alert.Text.ReplaceLineEndings(" ").Trim()}")
        : string.Create(s_invariant, $"ALERT {alert.Run} {alert.Tag} step {alert.Step}: {alert.Text.ReplaceLineEndings(" ")}");

    private static string DescribeValue(LatestValue value) => value.Histogram is { } h
        ? $"mean {NumberText.Short(h.Mean)}, std {NumberText.Short(h.StandardDeviation)}, [{NumberText.Short(h.Min)}, {NumberText.Short(h.Max)}], n={h.Num.ToString("0", s_invariant)}"
        : NumberText.RoundTrip(value.Scalar);
}
