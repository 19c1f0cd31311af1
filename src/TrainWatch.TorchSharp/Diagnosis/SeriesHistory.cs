using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>One series' recent values (median and maximum over a window) and the largest it ever had.</summary>
/// <remarks>
/// The rules read a window's median several times per layer and sample: the window is kept sorted as values come and
/// go (<see cref="SortedValues"/>), so reading it costs nothing and sorts nothing.
/// </remarks>
internal sealed class SeriesHistory(int window)
{
    private readonly Queue<double> _values = new();
    private readonly SortedValues _sorted = new();

    public int Count => _values.Count;

    public double Median => _sorted.Median;

    /// <summary>The median of <paramref name="values"/> (sorted in place; NaN when empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double MedianOf(Span<double> values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        values.Sort();
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary>The largest of the recent values.</summary>
    public double Max => _sorted.Max;

    /// <summary>The largest value of the whole run.</summary>
    public double AllTimeMax { get; private set; } = double.NegativeInfinity;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(double value)
    {
        _values.Enqueue(value);
        _sorted.Add(value);
        if (_values.Count > window)
        {
            _sorted.Remove(_values.Dequeue());
        }

        AllTimeMax = Math.Max(AllTimeMax, value);
    }
}
