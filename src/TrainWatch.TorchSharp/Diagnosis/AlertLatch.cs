using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Hysteresis for alerts: a condition raises an alert when it starts, and again only after it has been clear for
/// <see cref="AlertOptions.RearmAfterSamples"/> samples in a row.
/// </summary>
internal sealed class AlertLatch(int rearmAfterSamples)
{
    // Per kind and place: samples since the condition was last seen (0 while it holds).
    private readonly Dictionary<(AlertKind, string), int> _raised = [];

    // Reused from sample to sample: the latch runs at every sample and almost always has nothing to do.
    private readonly HashSet<(AlertKind, string)> _holding = [];
    private readonly List<(AlertKind, string)> _clear = [];

    /// <summary>Notes every condition that holds on this sample; returns those that start an alert.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IEnumerable<T> Onsets<T>(IReadOnlyList<T> firing, Func<T, (AlertKind, string)> key)
    {
        if (firing.Count == 0 && _raised.Count == 0)
        {
            return [];
        }

        var holding = _holding;
        holding.Clear();
        var onsets = new List<T>();
        foreach (var condition in firing)
        {
            var k = key(condition);
            if (!holding.Add(k))
            {
                continue;
            }

            if (!_raised.ContainsKey(k))
            {
                onsets.Add(condition);
            }

            _raised[k] = 0;
        }

        _clear.Clear();
        foreach (var k in _raised.Keys)
        {
            if (!holding.Contains(k))
            {
                _clear.Add(k);
            }
        }

        foreach (var k in _clear)
        {
            if (++_raised[k] >= rearmAfterSamples)
            {
                _raised.Remove(k);
            }
        }

        return onsets;
    }
}
