using System.Runtime;

namespace TrainWatch.TorchSharp.Lifecycle;

/// <summary>
/// Turns background garbage collections off while a watcher is attached (<see cref="GCLatencyMode.Batch"/>), and back
/// to what they were when the last watcher is disposed.
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

    /// <summary>Called at Attach: the first holder switches to Batch and remembers the mode it found.</summary>
    public static void Acquire()
    {
        lock (s_gate)
        {
            if (s_holderCount++ == 0)
            {
                s_modeBefore = GCSettings.LatencyMode;
                GCSettings.LatencyMode = GCLatencyMode.Batch;
            }
        }
    }

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
