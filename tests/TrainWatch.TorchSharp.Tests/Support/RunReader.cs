using TrainWatch.Events;
using TrainWatch.Protos;

namespace TrainWatch.TorchSharp.Tests.Support;

/// <summary>Reads back what the watcher wrote, through the core reader.</summary>
public static class RunReader
{
    public static IReadOnlyList<(long Step, Summary.Types.Value Value)> Values(string runDirectory)
    {
        var values = new List<(long, Summary.Types.Value)>();
        foreach (var file in Directory.GetFiles(runDirectory).Where(EventFileName.IsEventFile).Order())
        {
            var contents = EventFileReader.ReadAll(file);
            Assert.True(contents.State == EventFileState.Intact, $"{file}: {contents.State} {contents.Problem}");
            values.AddRange(contents.Events.Where(e => e.Event.Summary is not null)
                .SelectMany(e => e.Event.Summary.Value.Select(v => (e.Event.Step, v))));
        }

        return values;
    }

    public static float Scalar(IReadOnlyList<(long Step, Summary.Types.Value Value)> values, string tag, long step) =>
        Assert.Single(values, v => v.Step == step && v.Value.Tag == tag).Value.SimpleValue;

    public static HistogramProto Histogram(IReadOnlyList<(long Step, Summary.Types.Value Value)> values, string tag, long step) =>
        Assert.Single(values, v => v.Step == step && v.Value.Tag == tag).Value.Histo;
}
