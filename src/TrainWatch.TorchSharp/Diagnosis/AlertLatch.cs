namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// Hysteresis for alerts: a condition raises an alert when it starts, and again only after it has been clear for
/// <see cref="AlertOptions.RearmAfterSamples"/> samples in a row.
/// </summary>
internal sealed class AlertLatch(int rearmAfterSamples)
{
    // Per kind and place: samples since the condition was last seen (0 while it holds).
    private readonly Dictionary<(AlertKind, string), int> _raised = [];

    /// <summary>Notes every condition that holds on this sample; returns those that start an alert.</summary>
    public IEnumerable<T> Onsets<T>(IReadOnlyList<T> firing, Func<T, (AlertKind, string)> key)
    {
        var holding = new HashSet<(AlertKind, string)>();
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

        foreach (var k in _raised.Keys.Where(k => !holding.Contains(k)).ToList())
        {
            if (++_raised[k] >= rearmAfterSamples)
            {
                _raised.Remove(k);
            }
        }

        return onsets;
    }
}
