using TrainWatch.Protos;

namespace TrainWatch.Events;

/// <summary>
/// The deferred summaries one thread queues while a batch is open (<see cref="EventFileWriter.BeginBuildBatch"/>):
/// built side by side when the batch is disposed, the calling thread taking part, then written in the order they were
/// queued.
/// </summary>
/// <remarks>
/// <para>Why: a writer that builds on the caller's thread (<see cref="EventWriterOptions.BuildOnCallerThread"/>, the
/// watcher's) builds each deferred summary where it is queued, one after another. A picture step queues a dozen
/// independent images (kernel grids, activation maps, heat maps), each a render and a PNG encode of a few
/// milliseconds, while the caller waits anyway; side by side they take about their sum over the cores.</para>
/// <para>The caller waits for every build before the scope's <c>Dispose</c> returns, so nothing of the batch runs
/// once the caller's own code goes on: for the watcher, no thread of TrainWatch's is still busy (and allocating) when
/// the user's next TorchSharp call starts (docs/reliability.md).</para>
/// </remarks>
internal sealed class DeferredBuildBatch : IDisposable
{
    private readonly EventFileWriter _writer;
    private readonly List<(long Step, double WallTime, Func<Summary?> Build)> _queued = [];
    private int _closed;

    public DeferredBuildBatch(EventFileWriter writer, int ownerThread)
    {
        _writer = writer;
        OwnerThread = ownerThread;
    }

    /// <summary>The managed thread whose deferred summaries this batch collects; other threads' are built at once.</summary>
    public int OwnerThread { get; }

    /// <summary>Summaries queued and not yet built.</summary>
    public int Count => _queued.Count;

    /// <summary>Keeps a builder for the end of the batch; its wall time is the moment it was queued, as without a batch.</summary>
    public void Add(long step, double wallTime, Func<Summary?> build) => _queued.Add((step, wallTime, build));

    /// <summary>Builds what was queued, side by side, and writes each result in the order it was queued.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _writer.EndBuildBatch(this);
        var built = BuildAll(_queued.ConvertAll(q => q.Build));
        for (int i = 0; i < built.Length; i++)
        {
            var (step, wallTime, _) = _queued[i];
            _writer.WriteBuilt(step, wallTime, built[i].Summary, built[i].Error);
        }

        _queued.Clear();
    }

    /// <summary>
    /// Runs every builder, each result (or what it threw) at its builder's index: on the thread pool and the calling
    /// thread when there are several and more than one core, else one after another.
    /// </summary>
    internal static (Summary? Summary, Exception? Error)[] BuildAll(IReadOnlyList<Func<Summary?>> builds)
    {
        var results = new (Summary?, Exception?)[builds.Count];
        if (builds.Count < 2 || Environment.ProcessorCount < 2)
        {
            for (int i = 0; i < builds.Count; i++)
            {
                results[i] = TryBuild(builds[i]);
            }

            return results;
        }

        Parallel.For(0, builds.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => results[i] = TryBuild(builds[i]));
        return results;
    }

    /// <summary>
    /// What <paramref name="build"/> returns, or what it threw: a builder that throws costs its own event (counted and
    /// reported by the writer), never the caller's work nor a batch's other builders.
    /// </summary>
    internal static (Summary? Summary, Exception? Error) TryBuild(Func<Summary?> build)
    {
        try
        {
            return (build(), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }
}
