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
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private GatedStream? _stream;

    /// <param name="options">The writer's options; the clock, the scheduler and the stream are the simulation's.</param>
    /// <param name="open">Opens the file under the gate (a <see cref="FaultyStream"/>, say); a plain file when null.</param>
    public SimulatedWriter(EventWriterOptions options, Func<string, Stream>? open = null)
    {
        open ??= path => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 0);
        Writer = new EventFileWriter(_dir.Path, options with
        {
            Time = Clock,
            Scheduler = Scheduler,
            OpenStream = path => _stream = new GatedStream(open(path)),
        });
        Settle();
    }

    /// <summary>The run directory.</summary>
    public string RunDirectory => _dir.Path;

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

    /// <summary>
    /// Moves the clock by <paramref name="by"/> in steps of <paramref name="step"/>, running the loop after each: what
    /// the loop does at a timer's due time then happens at that time, to the step, not at the end of one long jump.
    /// </summary>
    public void AdvanceInSteps(TimeSpan by, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += step)
        {
            Advance(by - moved < step ? by - moved : step);
        }
    }

    /// <summary>The events in the file now, the header record left out.</summary>
    public IReadOnlyList<Event> WrittenEvents() => EventFiles.ReadIntact(_dir.Path).Skip(1).ToList();

    /// <summary>
    /// Starts closing the writer and runs its loop until it sleeps: on a healthy disk the drain is done then; on a
    /// failing one the loop waits for retries on the simulated clock (<see cref="Advance"/>).
    /// </summary>
    public Task BeginDispose()
    {
        var closing = Writer.DisposeAsync().AsTask();
        Settle();
        return closing;
    }

    /// <summary>Closes the writer (if the test did not), running its loop until the drain is done.</summary>
    public void Dispose()
    {
        try
        {
            _stream?.Release();
            var closing = BeginDispose();

            // A drain still retrying a failing disk is let go at its limit, however far the clock must move for it.
            for (int i = 0; i < 10_000 && !closing.IsCompleted; i++)
            {
                Advance(TimeSpan.FromMilliseconds(100));
            }

            // The drain ran above; what is left of DisposeAsync may finish on the pool.
            if (!closing.Wait(s_hangGuard))
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
