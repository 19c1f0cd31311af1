using TrainWatch.Cli;
using TrainWatch.Cli.Rendering;

// Why our own Ctrl+C handling: `tail` must stop cleanly (exit 0) and every command must end through CliApp's error handling.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await CliApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token, interactive: !Console.IsOutputRedirected,
    columns: TrainWatch.Cli.Rendering.TerminalWidth.FromColumns(Environment.GetEnvironmentVariable("COLUMNS")));
