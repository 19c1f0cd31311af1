using System.Runtime;

namespace TrainWatch.TorchSharp.Lifecycle;

/// <summary>
/// Turns background garbage collections off while a watcher is attached (<see cref="GCLatencyMode.Batch"/>), waiting
/// out one already running, and back to what they were when the last watcher is disposed.
/// </summary>
/// <remarks>
/// Why (issue 27, docs/reliability.md): TorchSharp 0.107 hands libtorch temporary <c>Scalar</c>s whose managed wrappers
/// are dead while the native call still reads them. A background collection runs beside the training thread, so it
/// can decide that such a wrapper is garbage in the middle of the call, and the finalizer frees the native scalar:
/// <c>ExternalException</c> "Expected false to be true" in <c>Adam.step</c>. A blocking collection can only start at an
/// allocation of the training thread, where every temporary it made has been used, or on another thread. With
/// background collections on, the autoencoder of issue 27 died in 4 of 10 runs; with them off (this class), in none;
/// without TrainWatch its gen-2 collections happened to be blocking. Throughput code loses nothing: Batch is the
/// runtime's throughput mode, and gen-2 pauses of a training process's small managed heap are milliseconds.
/// </remarks>
internal static class BlockingCollections
{
    private static readonly object s_gate = new();
    private static int s_holderCount;
    private static GCLatencyMode s_modeBefore;

    /// <summary>Called at Attach: the first holder switches to Batch, remembers the mode it found and waits out a background collection already running.</summary>
    public static void Acquire()
    {
        lock (s_gate)
        {
            if (s_holderCount++ == 0)
            {
                s_modeBefore = GCSettings.LatencyMode;
                GCSettings.LatencyMode = GCLatencyMode.Batch;
                if (s_modeBefore != GCLatencyMode.Batch)
                {
                    WaitOutBackgroundCollection();
                }
            }
        }
    }

    /// <summary>
    /// Returns once no background collection is running: Batch only keeps new ones from starting, and one that started
    /// before Attach (the user's setup allocates a lot: model, data) goes on marking beside the first training steps.
    /// A blocking request waits for a running background collection to end; being an optimized one, it then returns
    /// without collecting, and with none running it collects only if a collection was due anyway (the runtime's
    /// <c>GCHeap::GarbageCollect</c>: <c>collection_blocking | collection_optimized</c>).
    /// </summary>
    /// <remarks>
    /// Measured (2026-12-08): 60 watched setups one after another in one process, as the diagnosis population runs
    /// them, each a model, data and 40 MB of garbage made before Attach: without this wait 2 of 60 Attach calls
    /// returned with a background collection still running (for 2–9 ms more); with it, none. The population had lost
    /// one of its 700 runs at 0.1 s to "Expected false to be true" the same day.
    /// </remarks>
    internal static void WaitOutBackgroundCollection() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Optimized, blocking: true, compacting: false);

    /// <summary>Called at Dispose: the last holder restores the mode, unless the application changed it meanwhile.</summary>
    public static void Release()
    {
        lock (s_gate)
        {
            if (s_holderCount > 0 && --s_holderCount == 0 && GCSettings.LatencyMode == GCLatencyMode.Batch)
            {
                GCSettings.LatencyMode = s_modeBefore;
            }
        }
    }
}
