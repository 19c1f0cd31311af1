using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// A multiset of values kept in ascending order (the order <see cref="Array.Sort(Array)"/> gives: NaN first), so that
/// a window's median and maximum are read off instead of sorted again at every sample: a value enters and leaves in
/// one binary search and a short shift, and nothing is allocated once the list has grown.
/// </summary>
internal sealed class SortedValues
{
    private readonly List<double> _sorted = [];

    public int Count => _sorted.Count;

    /// <summary>The largest value, as LINQ's Max gives it (NaN only when every value is NaN); NaN when empty.</summary>
    public double Max => _sorted.Count == 0 ? double.NaN : _sorted[^1];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(double value)
    {
        int at = _sorted.BinarySearch(value);
        _sorted.Insert(at < 0 ? ~at : at, value);
    }

    /// <summary>Removes one value equal to <paramref name="value"/> (which must be present).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Remove(double value)
    {
        int at = _sorted.BinarySearch(value);
        if (at < 0)
        {
            throw new InvalidOperationException($"{value} is not in the window.");
        }

        _sorted.RemoveAt(at);
    }

    public void Clear() => _sorted.Clear();

    /// <summary>The middle value, or the mean of the two middle values (NaN when empty), as <see cref="SeriesHistory.MedianOf"/>.</summary>
    public double Median
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get
        {
            int n = _sorted.Count;
            if (n == 0)
            {
                return double.NaN;
            }

            int mid = n / 2;
            return n % 2 == 1 ? _sorted[mid] : (_sorted[mid - 1] + _sorted[mid]) / 2;
        }
    }
}
