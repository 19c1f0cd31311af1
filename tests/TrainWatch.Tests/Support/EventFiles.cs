using TrainWatch.Events;
using TrainWatch.Protos;

namespace TrainWatch.Tests.Support;

/// <summary>Helpers that read back what a writer wrote.</summary>
public static class EventFiles
{
    public static string Single(string runDirectory)
    {
        var files = Directory.GetFiles(runDirectory).Where(EventFileName.IsEventFile).ToArray();
        Assert.Single(files);
        return files[0];
    }

    /// <summary>Reads the one event file of a run and asserts it is intact.</summary>
    public static IReadOnlyList<Event> ReadIntact(string runDirectory)
    {
        var contents = EventFileReader.ReadAll(Single(runDirectory));
        Assert.True(contents.State == EventFileState.Intact, $"{contents.State} at {contents.ProblemOffset}: {contents.Problem}");
        return contents.Events.Select(e => e.Event).ToList();
    }

    /// <summary>All summary values of a run with their steps, in file order.</summary>
    public static IReadOnlyList<(long Step, Summary.Types.Value Value)> Values(IEnumerable<Event> events) =>
        events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v))).ToList();
}
