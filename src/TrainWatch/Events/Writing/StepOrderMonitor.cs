using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TrainWatch.Protos;

namespace TrainWatch.Events;

/// <summary>
/// Notices a tag whose step repeats or goes backwards. The event is still written as given — TensorBoard's format
/// allows it — but it is counted and reported once, because TensorBoard's reader may then discard that tag's later
/// points ("orphaned data" after a restart), which looks like data loss to the user. Runs on the writer thread.
/// </summary>
internal sealed class StepOrderMonitor(WriterErrorReporter reporter)
{
    private readonly Dictionary<string, TagState> _lastStepByTag = new(StringComparer.Ordinal);

    // The tags of the last lists observed, by position, and their states: a watcher's sample step observes the same
    // few hundred to few thousand tag strings (made once per layer) in the same order every time, and comparing a
    // reference is much cheaper than hashing a 40-character tag (about 0.3 ms a sample step on a model of 200
    // tensors). A string that is not the same object is looked up by value, so equal tags always share one state.
    // Several lists, each found by its first tag: a watcher alternates two (a sample's statistics, then its update
    // ratios at the next step), and with one cached list each replaced the other, so every tag was hashed anyway.
    private readonly TagList[] _lists = [new(), new(), new(), new()];
    private int _nextList;
    private long _outOfOrder;

    /// <summary>Tags looked up by value in the table so far (for tests: the list cache spares the rest).</summary>
    internal long TagsHashed { get; private set; }

    /// <summary>Values written at a step not after their tag's previous one.</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(Event evt)
    {
        if (evt.Summary is null)
        {
            return;
        }

        // By index: RepeatedField's enumerator is an object, and the writer thread must allocate nothing (issue 27).
        // One lock for the whole event: a sample step's summary holds thousands of values.
        var values = evt.Summary.Value;
        lock (_lastStepByTag)
        {
            for (int i = 0; i < values.Count; i++)
            {
                _ = ObserveLocked(values[i].Tag, evt.Step);
            }
        }
    }

    /// <summary>Values written under <paramref name="tags"/> at <paramref name="step"/> (one event's), under one lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(IReadOnlyList<string> tags, long step)
    {
        lock (_lastStepByTag)
        {
            var list = ListFor(tags);
            if (list.Tags.Length < tags.Count)
            {
                Array.Resize(ref list.Tags, tags.Count);
                Array.Resize(ref list.States, tags.Count);
            }

            for (int i = 0; i < tags.Count; i++)
            {
                string tag = tags[i];
                if (ReferenceEquals(list.Tags[i], tag))
                {
                    Advance(list.States[i]!, tag, step);
                }
                else
                {
                    list.States[i] = ObserveLocked(tag, step);
                    list.Tags[i] = tag;
                }
            }
        }
    }

    // The cached list that starts with the same tag object, else the next one in turn.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TagList ListFor(IReadOnlyList<string> tags)
    {
        if (tags.Count > 0)
        {
            foreach (var list in _lists)
            {
                if (list.Tags.Length > 0 && ReferenceEquals(list.Tags[0], tags[0]))
                {
                    return list;
                }
            }
        }

        var replaced = _lists[_nextList];
        _nextList = (_nextList + 1) % _lists.Length;
        return replaced;
    }

    /// <summary>One value written under <paramref name="tag"/> at <paramref name="step"/>.</summary>
    // Hot from the first call, so compiled fully optimised at once: a run's first thousands of events would otherwise
    // go through unoptimised code while the runtime decides to tier it up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(string tag, long step)
    {
        // Uncontended in the common case (one thread observes); callers observe from their own threads when the writer
        // loop must not allocate (EventWriterOptions.BuildOnCallerThread).
        lock (_lastStepByTag)
        {
            _ = ObserveLocked(tag, step);
        }
    }

    // On every scalar's path: inlined into its optimised callers (see EventFileWriter.WriteScalar).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TagState ObserveLocked(string tag, long step)
    {
        // One hash lookup per value: this runs for every value the writer writes.
        TagsHashed++;
        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastStepByTag, tag, out bool seen);
        if (!seen)
        {
            state = new TagState { LastStep = step };
            return state;
        }

        Advance(state!, tag, step);
        return state!;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(TagState state, string tag, long step)
    {
        if (step <= state.LastStep)
        {
            Interlocked.Increment(ref _outOfOrder);
            reporter.StepOutOfOrder(tag, state.LastStep, step);
            return;
        }

        state.LastStep = step;
    }

    // One cached list: its tags by position and their states.
    private sealed class TagList
    {
        public string?[] Tags = [];
        public TagState?[] States = [];
    }

    // A tag's last step, shared by the table and the list cache.
    private sealed class TagState
    {
        public long LastStep;
    }
}
