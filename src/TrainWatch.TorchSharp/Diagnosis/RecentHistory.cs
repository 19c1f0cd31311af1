namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>The last N values of a series, with their median and maximum.</summary>
internal sealed class RecentHistory(int window)
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

    public double Max => _values.Count == 0 ? double.NaN : _values.Max();

    public void Add(double value)
    {
        _values.Enqueue(value);
        if (_values.Count > window)
        {
            _values.Dequeue();
        }
    }
}
