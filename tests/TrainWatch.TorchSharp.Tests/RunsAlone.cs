namespace TrainWatch.TorchSharp.Tests;

/// <summary>
/// Tests that force garbage collections, and the long runs of the example's own loop, run in this collection: one at a
/// time, with no other test beside them. (Since 2026-12-07 the whole assembly runs one class at a time,
/// <c>TestParallelization.cs</c>; the collection keeps saying why these tests need it whatever that setting becomes.)
/// </summary>
/// <remarks>
/// Two reasons. A forced collection on one thread can finalize a temporary TorchSharp <c>Scalar</c> (or tensor) that
/// libtorch is still reading on another thread; TorchSharp's own internals make such temporaries (an optimizer's step
/// does), so a collection storm beside other tests fails or even crashes them through code that is not ours (see
/// docs/reliability.md). The example's 1,500-step runs call that optimizer step 3,000 times; alone, they meet only the
/// collections their own process makes, as in a user's run. And a heap reading must see only the allocations of the test that takes it: with other tests
/// running beside the soak, its readings swung by 2 MB on an 8-thread machine.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone (forces garbage collections)";
}
