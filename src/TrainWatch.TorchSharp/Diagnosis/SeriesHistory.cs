namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>One series' recent values (median and maximum over a window) and the largest it ever had.</summary>
internal sealed class SeriesHistory(int window)
{
    private readonly Queue<double> _values = new();

    public int Count => _values.Count;

    public double Median => MedianOf(_values.ToArray());

    /// <summary>The median of <paramref name="values"/> (sorted in place; NaN when empty).</summary>
    public static double MedianOf(double[] values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
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
