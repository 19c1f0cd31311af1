using TrainWatch.Cli.Analysis;

namespace TrainWatch.Cli.Rendering;

/// <summary>Writes the normalised distances as a TensorBoard run, one scalar series <c>diff/&lt;tag&gt;</c> per tag.</summary>
internal static class DiffTensorBoardOutput
{
    /// <summary>Writes <paramref name="result"/> into the run directory <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The directory cannot be written.</exception>
    public static void Write(DiffResult result, string directory)
    {
        using var writer = new SummaryWriter(directory, new Events.EventWriterOptions { Backpressure = Events.BackpressurePolicy.Block });
        foreach (var tag in result.Ranked)
        {
            for (int i = 0; i < tag.Steps.Length; i++)
            {
                writer.AddScalar($"diff/{tag.Tag}", tag.Distances[i], tag.Steps[i]);
            }
        }
    }
}
