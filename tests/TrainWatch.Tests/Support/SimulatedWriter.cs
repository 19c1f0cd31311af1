using Microsoft.Extensions.Time.Testing;
using TrainWatch.Events;
using TrainWatch.Protos;

namespace TrainWatch.Tests.Support;

/// <summary>
/// An <see cref="EventFileWriter"/> whose loop runs only when the test runs it (<see cref="ManualScheduler"/>), on a
/// clock that moves only when the test moves it (<see cref="FakeTimeProvider"/>), writing through a
/// <see cref="GatedStream"/>. Every assertion is about what the writer has done by a point the test chose, never about
/// how long it took, so a loaded machine cannot change the outcome.
/// </summary>
public sealed class SimulatedWriter : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private GatedStream? _stream;

    public SimulatedWriter(EventWriterOptions options)
    {
        Writer = new EventFileWriter(_dir.Path, options with
        {
            Time = Clock,
            Scheduler = Scheduler,
            OpenStream = path => _stream = new GatedStream(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 0)),
        });
        Settle();
    }

    public FakeTimeProvider Clock { get; } = new();

    public ManualScheduler Scheduler { get; } = new();

    public EventFileWriter Writer { get; }

    public GatedStream Stream => _stream ?? throw new InvalidOperationException("the writer has not opened its file");

    /// <summary>Runs the writer loop until it sleeps.</summary>
    public void Settle() => Scheduler.RunUntilIdle();

    /// <summary>Moves the simulated clock (its timers fire on this thread), then runs the loop until it sleeps.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Settle();
    }

    /// <summary>The events in the file now, the header record left out.</summary>
    public IReadOnlyList<Event> WrittenEvents() => EventFiles.ReadIntact(_dir.Path).Skip(1).ToList();

    /// <summary>Closes the writer, running its loop until the drain is done.</summary>
    public void Dispose()
    {
        try
        {
            _stream?.Release();
            var closing = Writer.DisposeAsync().AsTask();
            Settle();

            // The drain ran above; what is left of DisposeAsync may finish on the pool.
            if (!closing.Wait(HangGuard))
            {
                throw new TimeoutException("the writer did not finish closing after its loop went idle");
            }
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
