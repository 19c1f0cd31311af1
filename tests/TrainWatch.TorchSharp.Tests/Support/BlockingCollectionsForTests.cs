using System.Runtime;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Tests.Support;

/// <summary>
/// Makes the test process's garbage collections blocking from the start, as an attached watcher makes a user's.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's temporary <c>Scalar</c>s (an optimizer's step makes them) can be finalized in the middle of the
/// native call that reads them by a collection that runs beside that call (docs/reliability.md). A watcher turns
/// background collections off for as long as it is attached (<see cref="WatchOptions.BlockingGarbageCollections"/>),
/// but many tests drive an optimizer without one, and a background collection killed one of them in a clean-clone CI
/// run (2026-12-07: <c>UpdateRatioTests</c>, "Expected false to be true" from <c>c10::Scalar::toDouble</c> inside
/// <c>Adam.step</c>). <c>BlockingCollectionsTests</c> sets the mode it tests itself and puts this one back.
/// </remarks>
internal static class BlockingCollectionsForTests
{
#pragma warning disable CA2255 // A test assembly, not a library: every test in it must run under this mode from its first line.
    [ModuleInitializer]
    internal static void Apply() => GCSettings.LatencyMode = GCLatencyMode.Batch;
#pragma warning restore CA2255
}
