namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>One series' recent values (median and maximum over a window) and the largest it ever had.</summary>
internal sealed class SeriesHistory(int window)
{
    private readonly Queue<double> _values = new();

    public int Count => _values.Count;

    public double Median
    {
        get
        {
            if (_values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _values.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    /// <summary>The largest of the recent values.</summary>
    public double Max => _values.Count == 0 ? double.NaN : _values.Max();

    /// <summary>The largest value of the whole run.</summary>
    public double AllTimeMax { get; private set; } = double.NegativeInfinity;

    public void Add(double value)
    {
        _values.Enqueue(value);
        if (_values.Count > window)
        {
            _values.Dequeue();
        }

        AllTimeMax = Math.Max(AllTimeMax, value);
    }
}
