namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// The loss at sample steps, smoothed over three samples (a mini-batch loss is noisy): where it started, the lowest
/// it reached, and how far it fell over the recent window — the scale the gradient and loss rules judge against.
/// </summary>
internal sealed class LossTracker(int window)
{
    private readonly List<double> _recent = [];
    private readonly SeriesHistory _smoothedHistory = new(window);

    /// <summary>Median of the first three finite losses; NaN before them.</summary>
    public double Start { get; private set; } = double.NaN;

    /// <summary>Median of the last three finite losses; NaN before any.</summary>
    public double Smoothed { get; private set; } = double.NaN;

    /// <summary>The lowest <see cref="Smoothed"/> so far.</summary>
    public double Lowest { get; private set; } = double.PositiveInfinity;

    /// <summary>Finite losses seen.</summary>
    public int Count { get; private set; }

    /// <summary>The last eight finite losses, oldest first.</summary>
    public IReadOnlyList<double> Last8 => _recent;

    /// <summary>How many times the loss fell over the recent window (its median then over now; 1 when unknown).</summary>
    public double RecentFall => _smoothedHistory.Count == 0 || !(Smoothed > 0) ? 1 : Math.Max(1, _smoothedHistory.Median / Smoothed);

    /// <summary>How many times the loss fell since the start (1 when unknown).</summary>
    public double FallSinceStart => double.IsNaN(Start) || !(Smoothed > 0) ? 1 : Math.Max(1, Start / Smoothed);

    public void Add(double? loss)
    {
        if (loss is not { } value || !double.IsFinite(value))
        {
            return;
        }

        Count++;
        _recent.Add(value);
        if (_recent.Count > 8)
        {
            _recent.RemoveAt(0);
        }

        Smoothed = MedianOfLast(3);
        if (Count == 3)
        {
            Start = Smoothed;
        }

        Lowest = Math.Min(Lowest, Smoothed);
        _smoothedHistory.Add(Smoothed);
    }

    private double MedianOfLast(int n)
    {
        var last = _recent.Skip(Math.Max(0, _recent.Count - n)).Order().ToArray();
        int mid = last.Length / 2;
        return last.Length % 2 == 1 ? last[mid] : (last[mid - 1] + last[mid]) / 2;
    }
}
