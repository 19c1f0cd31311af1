using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TrainWatch.Distributions;
using TrainWatch.Imaging;
using TrainWatch.Protos;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Statistics;
using TrainWatch.TorchSharp.Statistics.HostKernels;

namespace TrainWatch.TorchSharp.Lifecycle;

/// <summary>
/// First-use work that the first sample step would otherwise do on the training thread, done on the thread pool while
/// <c>Attach</c> runs and joined before it returns: loading SkiaSharp's native library and its default typeface (about
/// 70 ms here), compiling the host kernels and the alert rules (fully optimised from their first call, so slow to
/// compile) and initialising the protobuf messages' descriptors. Attach's own work (the model check, the writer, the
/// extensions) takes about 80–150 ms on the training thread.
/// </summary>
/// <remarks>
/// <para>Joined, or abandoned before it starts, never left running: a garbage collection started by a thread of
/// TrainWatch's while the user's TorchSharp calls run can free a temporary <c>Scalar</c> in the middle of one
/// (docs/reliability.md). While Attach runs, the only TorchSharp calls in flight are TrainWatch's own, which hand
/// libtorch no temporaries (<c>TemporaryScalarAuditTests</c>). The warm-up itself calls no TorchSharp code.</para>
/// <para>It only warms: what it computes is thrown away, and a failure costs nothing but the time the first sample
/// step then spends doing the same work itself.</para>
/// </remarks>
internal sealed class AttachWarmUp
{
    private readonly Part[] _parts;

    private AttachWarmUp(bool pictures, bool hostKernels, TaskScheduler scheduler)
    {
        // Two parts, each its own pool task. SkiaSharp's first use is mostly its native start-up (it reads every font
        // file under /usr/share/fonts), and compiling the kernels and the messages is ~30 ms more: in one task the two
        // ran one after the other, ~110 ms, and Attach waited ~30 ms on the join after its own work was done. Side by
        // side (three threads on two cores) Attach measured 97 against 112 ms (medians of 5 alternated fresh
        // processes, issue 26's autoencoder, 2026-12-07).
        // Kernels and host statistics first: Attach's model check, its last stage, is their first caller. The rules
        // last: the first sample step is their first caller.
        var parts = new List<Part>
        {
            new(
                () =>
                {
                    if (hostKernels)
                    {
                        WarmKernels();
                        Compile(HostStatisticsToCompile());
                    }

                    WarmMessages();
                    Compile(RulesToCompile());
                },
                scheduler),
        };
        if (pictures)
        {
            parts.Add(new Part(WarmPictures, scheduler));
        }

        _parts = [.. parts];
    }

    /// <summary>Whether every part of the warm-up ran to its end (false when one was abandoned before it started, or is still running).</summary>
    public bool RanToEnd => _parts.All(p => p.RanToEnd);

    /// <summary>Whether nothing of the warm-up can still run: each part ran to its end, or was abandoned before it started.</summary>
    public bool IsOver => _parts.All(p => p.IsOver);

    /// <summary>What made a part of the warm-up stop early, if anything.</summary>
    public Exception? Failure => _parts.Select(p => p.Failure).FirstOrDefault(f => f is not null);

    /// <summary>Starts the warm-up of what <paramref name="options"/> will use.</summary>
    /// <param name="options">The watcher's options: pictures or histories warm SkiaSharp, host kernels their code.</param>
    /// <param name="scheduler">Where it runs (the thread pool; tests pass one that holds it back).</param>
    public static AttachWarmUp Start(WatchOptions options, TaskScheduler? scheduler = null) =>
        new(pictures: options.Pictures is not null || options.History is not null, hostKernels: options.HostKernels, scheduler ?? TaskScheduler.Default);

    /// <summary>
    /// Waits until the warm-up is over; never throws. A part that has not started yet (a thread pool too busy to run
    /// it while Attach did its own work) is abandoned instead of waited for: Attach must not wait on the pool.
    /// </summary>
    public void Join()
    {
        foreach (var part in _parts)
        {
            part.Join();
        }
    }

    // One pool task of the warm-up, with its own start: a part the pool never started is abandoned, not waited for.
    private sealed class Part
    {
        private const int Pending = 0;
        private const int Running = 1;
        private const int Abandoned = 2;

        private readonly Task _task;
        private int _state = Pending;

        public Part(Action work, TaskScheduler scheduler)
        {
            _task = Task.Factory.StartNew(
                () =>
                {
                    // Not started by the time Attach was done: Attach has gone on without it, and so does the first sample.
                    if (Interlocked.CompareExchange(ref _state, Running, Pending) != Pending)
                    {
                        return;
                    }

                    try
                    {
                        work();
                    }
                    catch (Exception e)
                    {
                        // Not reported: the first sample step does the same work, and reports what fails there. Kept for tests.
                        Failure = e;
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.DenyChildAttach,
                scheduler);
        }

        public bool RanToEnd => Volatile.Read(ref _state) == Running && _task.IsCompleted;

        public bool IsOver => _task.IsCompleted || Volatile.Read(ref _state) == Abandoned;

        public Exception? Failure { get; private set; }

        public void Join()
        {
            if (Interlocked.CompareExchange(ref _state, Abandoned, Pending) == Pending)
            {
                return;
            }

            try
            {
                _task.Wait();
            }
            catch (AggregateException)
            {
                // The body catches everything; a task that still faulted has nothing left running.
            }
        }
    }

    // The messages a sample step builds: their descriptors and serializers are set up at first use.
    private static void WarmMessages()
    {
        var summary = new Summary();
        summary.Value.Add(ScalarSummary.ToValue("warm_up/scalar", 1.0));
        if (HistogramSummary.FromUniformBuckets(0, 1, [1, 2, 3], 2, 3) is { } histogram)
        {
            summary.Value.Add(HistogramSummary.ToValue("warm_up/histogram", histogram));
        }

        _ = new Event { Step = 0, WallTime = 0, Summary = summary }.CalculateSize();
    }

    // Each kernel and element type the sample step runs, over one block and a tail: the same compiled code.
    private static unsafe void WarmKernels()
    {
        const int Length = 1031;
        // Long enough for a run counted in pairs too (UniformHistogramKernel.PairRunMinimum).
        var floats = (float*)NativeMemory.AllocZeroed((nuint)Math.Max(Length * 2, UniformHistogramKernel.PairRunMinimum + 3), sizeof(float));
        var doubles = (double*)NativeMemory.AllocZeroed(Length * 2, sizeof(double));
        var counts = (int*)NativeMemory.AllocZeroed((nuint)(UniformHistogramKernel.Tables * 64), sizeof(int));
        try
        {
            _ = MomentsKernel.Compute(floats, Length, 0f);
            _ = MomentsKernel.Compute(doubles, Length, 0.0);
            UniformHistogramKernel.Count(floats, Length, 0f, 1f, 64, counts);
            UniformHistogramKernel.Count(floats, Length / 2, 2, 0f, 1f, 64, counts);
            UniformHistogramKernel.Count(floats, UniformHistogramKernel.PairRunMinimum + 3, 0f, 1f, 64, counts);
            UniformHistogramKernel.Count(doubles, Length, 0.0, 1.0, 64, counts);
            // The update ratio reads a weight whole, or above the sample limit in runs (rows long enough for them) or
            // one element a stride apart: each of the three loops, measured, measured and kept, and only copied (the
            // snapshot of a sample step that measures nothing, the first one among them).
            foreach (var reads in (ReadOnlySpan<UpdateReads>)[UpdateReads.Every, new(3, 4), new(3, 1)])
            {
                long count = reads.Counted(Length);
                _ = UpdateNormKernel.Compute(floats, reads, 0, floats + Length, count);
                _ = UpdateNormKernel.ComputeAndKeep(floats, reads, 0, floats + Length, count);
                _ = UpdateNormKernel.Copy(floats, reads, 0, floats + Length, count);
            }

            _ = UpdateNormKernel.Compute(doubles, UpdateReads.Every, 0, doubles + Length, Length);
            _ = UpdateNormKernel.ComputeAndKeep(doubles, UpdateReads.Every, 0, doubles + Length, Length);
            _ = NonFiniteKernel.Count(floats, Length);
            _ = NonFiniteKernel.Count(doubles, Length);
            _ = DeadUnitsKernel.Count(floats, 1, 8, Length / 8);
            _ = SaturationKernel.Count(floats, Length, 0f, 1f);
        }
        finally
        {
            NativeMemory.Free(floats);
            NativeMemory.Free(doubles);
            NativeMemory.Free(counts);
        }
    }

    // The sample path carries AggressiveOptimization (docs/design.md, "Why the sample path is compiled once"): each
    // method is compiled fully optimised at its first call, on the training thread. Two shares of it are compiled
    // here instead, on the pool, while the training thread does Attach's own work: the host statistics, which Attach's
    // model check (its last stage) and every sample step run, and the alert rules, the largest share of what the first
    // sample step compiles (~50 ms). In alternated runs of issue 26's autoencoder, Attach plus the first step went from
    // ~515 to ~475 ms with the rules (6 pairs, medians) and to ~445 ms with the statistics too (7 pairs). Not the whole
    // sample path: compiling all of it here outlasted Attach's own work, which then waited for it, and saved ~25 ms.
    private static void Compile(IEnumerable<MethodInfo> methods)
    {
        foreach (var method in methods)
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
    }

    /// <summary>The host statistics' methods that carry AggressiveOptimization (Attach's model check runs them last).</summary>
    internal static IEnumerable<MethodInfo> HostStatisticsToCompile() => AggressivelyOptimised(typeof(Statistics.RowShape).Namespace!, typeof(MomentsKernel).Namespace!);

    /// <summary>The alert rules' methods that carry AggressiveOptimization and can be compiled without type arguments.</summary>
    internal static IEnumerable<MethodInfo> RulesToCompile() => AggressivelyOptimised(typeof(Diagnosis.Diagnostician).Namespace!);

    // The methods of these namespaces that carry AggressiveOptimization and compile without type arguments.
    private static IEnumerable<MethodInfo> AggressivelyOptimised(params string[] namespaces)
    {
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        return typeof(AttachWarmUp).Assembly.GetTypes()
            .Where(type => namespaces.Contains(type.Namespace) && !type.ContainsGenericParameters)
            .SelectMany(type => type.GetMethods(Declared))
            .Where(method => (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0 && !method.ContainsGenericParameters && !method.IsAbstract);
    }

    // SkiaSharp loads its native library and the default typeface at first use; a history picture and a tile grid
    // take both paths (canvas text for the labels, PNG encoding).
    private static void WarmPictures()
    {
        var buckets = new SymLogBuckets(threshold: 1e-3, limit: 1e3, bucketsPerDecade: 1);
        var history = new BucketHistory(buckets.Count, maxColumns: 2);
        history.Add(0, buckets.Rebin(-1, 1, [1, 2]));
        _ = HistoryImage.Render(history, buckets.AxisLabels()).EncodePng();
        _ = new TileGrid(new float[8], count: 2, channels: 1, height: 2, width: 2).EncodePng();
    }
}
