using System.Runtime.CompilerServices;
using static TorchSharp.torch.nn;

namespace TrainWatch.TorchSharp.Recording;

/// <summary>
/// What one sampled training forward pass did, in execution order: every module call as it finished (children before
/// their parent), when each module started and finished, and the input's shape. The single source of "first", "last" and
/// "after" for every feature: alerts, the graph, pictures, the projector.
/// </summary>
internal sealed class ForwardRecording
{
    private readonly Dictionary<string, int> _finishIndex = new(StringComparer.Ordinal);
    private readonly List<ModuleCall> _calls = [];
    private readonly Dictionary<string, int> _startTime = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _finishTime = new(StringComparer.Ordinal);
    private int _clock;

    /// <summary>The step this pass belonged to.</summary>
    public long Step { get; init; }

    /// <summary>Every module call, as it finished (a module called twice appears twice).</summary>
    public IReadOnlyList<ModuleCall> Calls => _calls;

    /// <summary>Shape of the model's first input, when the model was called through <c>call()</c>.</summary>
    public long[]? InputShape { get; internal set; }

    /// <summary>Leaf modules in the order they first finished (each once).</summary>
    public IEnumerable<(string Path, Module Module)> Leaves =>
        _calls.Where((c, i) => c.IsLeaf && _finishIndex[c.Path] == i).Select(c => (c.Path, c.Module));

    /// <summary>Where <paramref name="path"/> first finished among the calls, or null if it did not run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int? FinishIndex(string path) => _finishIndex.TryGetValue(path, out int i) ? i : null;

    /// <summary>The shape of a module's first tensor output on its last call, if it ran.</summary>
    public long[]? OutputShape(string path) =>
        _calls.LastOrDefault(c => c.Path == path) is { OutputShapes: [var first, ..] } ? first : null;

    /// <summary>
    /// When <paramref name="path"/> first started, on one clock with <see cref="FinishTime"/>: a module's own weights
    /// are used between its start and its finish, its output exists from its finish on.
    /// </summary>
    public int? StartTime(string path) => _startTime.TryGetValue(path, out int t) ? t : null;

    /// <summary>When <paramref name="path"/> first finished, on the clock of <see cref="StartTime"/>.</summary>
    public int? FinishTime(string path) => _finishTime.TryGetValue(path, out int t) ? t : null;

    internal void Started(string path)
    {
        _startTime.TryAdd(path, _clock++);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Finished(ModuleCall call)
    {
        if (_finishIndex.TryAdd(call.Path, _calls.Count))
        {
            _finishTime[call.Path] = _clock;
        }

        _calls.Add(call);
        _clock++;
    }
}
