using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Commands;

/// <summary>
/// The polling loop of <c>tail</c>: read what is new, show it, wait, until stopped (Ctrl+C, <c>--duration</c>) or after one
/// pass (<c>--once</c>). Stopping is not an error: the loop just ends.
/// </summary>
internal sealed class TailLoop(CliContext context, TailSettings settings, RunFollower follower, TailSnapshot snapshot, CancellationToken stop)
{
    private bool _waitingShown;

    /// <summary>The options.</summary>
    public TailSettings Settings { get; } = settings;

    /// <summary>The files being followed.</summary>
    public RunFollower Follower { get; } = follower;

    /// <summary>What has been shown.</summary>
    public TailSnapshot Snapshot { get; } = snapshot;

    /// <summary>Whether a damaged file was found.</summary>
    public bool SawCorruption { get; private set; }

    /// <summary>Polls and calls <paramref name="show"/> after every read until stopped.</summary>
    public async Task RunAsync(Action show)
    {
        while (true)
        {
            foreach (var corrupt in Follower.Poll(CancellationToken.None))
            {
                SawCorruption = true;
                context.Problem(corrupt.Describe() ?? corrupt.Path);
            }

            if (!Follower.Runs.Any() && !Settings.Once && !_waitingShown && !context.Interactive)
            {
                _waitingShown = true;
                context.Error.WriteLine($"trainwatch: waiting for event files under '{Settings.LogDirectory}' ...");
            }

            show();
            if (Settings.Once || stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Settings.Interval), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or --duration: read once more so nothing written just before the stop is missed, then end.
                foreach (var corrupt in Follower.Poll(CancellationToken.None))
                {
                    SawCorruption = true;
                    context.Problem(corrupt.Describe() ?? corrupt.Path);
                }

                show();
                return;
            }
        }
    }
}
