using System.Globalization;
using System.Runtime.CompilerServices;

namespace TrainWatch.TorchSharp.Diagnosis;

/// <summary>
/// A layer's gradient that climbs steadily, a few percent a step, while the rest of the network stays where it was: an
/// explosion that creeps in. Between two samples it rises by far less than <see cref="AlertOptions.ExplodingFactor"/>,
/// and a running median over the last samples follows it up, so the jump rule sees it only when it is far gone.
/// </summary>
/// <remarks>
/// The baseline is measured in training steps, not samples: a horizon of <see cref="HorizonSteps"/> steps holds a
/// few samples at every = 50 and hundreds at every = 1, and a creep of ×1.02 a step has grown ×7 over 100 steps
/// whatever the sampling interval. The signal is the layer's share of the gradient (its norm against all the
/// others'), smoothed over the last three samples, so a minibatch that moves every layer together, or another layer
/// fading away, is not a climb; and its own norm must have risen too.
/// </remarks>
internal sealed class GradientCreep(AlertOptions options)
{
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _normRise = new(StringComparer.Ordinal);

    /// <summary>
    /// How far <paramref name="name"/>'s norm stands above its baseline at its last sample (1 while it has too short a
    /// history): a creeping layer has no companion — layers that rise together are a phase of training.
    /// </summary>
    public double NormRise(string name) => _normRise.GetValueOrDefault(name, 1);

    /// <summary>Notes this sample's norm and share of <paramref name="name"/>; a finding when it has crept up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Finding? Add(string name, long step, double norm, double share, bool eligible)
    {
        if (!double.IsFinite(norm) || !double.IsFinite(share))
        {
            return null;
        }

        if (!_series.TryGetValue(name, out var points))
        {
            points = new Series();
            _series[name] = points;
        }

        points.Add(new Point(step, norm, share));
        // Keep the horizon, but never fewer than the samples the other rules look at, and never an unbounded list.
        while (points.Count > options.HistoryWindow && (step - points.First.Step > HorizonSteps || points.Count > MaxPoints))
        {
            points.RemoveFirst();
        }

        int baseCount = points.Count - Recent;
        if (baseCount < 2 * options.WarmupSamples || step - points.First.Step < MinSpanSteps)
        {
            _normRise.Remove(name);
            return null;
        }

        double recentNorm = points.RecentMedian(p => p.Norm);
        double baseNorm = points.BaseNorms.Median;
        double normRise = recentNorm / baseNorm;
        _normRise[name] = normRise;
        if (!eligible)
        {
            return null;
        }

        double recentShare = points.RecentMedian(p => p.Share);
        double baseShare = points.BaseShares.Median;
        double shareRise = recentShare / baseShare;
        // Every one of the recent samples above the bar, not just their median: a single outlier is not a climb.
        bool allRecentUp = true;
        for (int i = baseCount; i < points.Count; i++)
        {
            allRecentUp &= points[i].Norm > NormRiseBar / 2 * baseNorm;
        }

        if (!(shareRise >= ShareRise && normRise >= NormRiseBar && allRecentUp))
        {
            return null;
        }

        long span = step - points.First.Step;
        return new Finding(AlertKind.ExplodingGradient, name, norm, string.Create(CultureInfo.InvariantCulture,
            $"{name} gradient norm has climbed steadily to {recentNorm:G3}, {normRise:G3}× its median of the last {span} steps ({baseNorm:G3}), and {shareRise:G3}× its share of the other layers' gradient"));
    }

    private readonly record struct Point(long Step, double Norm, double Share);

    /// <summary>
    /// A layer's points, oldest first, in a ring; and the norms and shares of all but the last <see cref="Recent"/>
    /// kept sorted (the baseline), so that its medians are read at every sample rather than sorted again.
    /// </summary>
    private sealed class Series
    {
        private Point[] _ring = new Point[16];
        private int _head;

        public int Count { get; private set; }

        public SortedValues BaseNorms { get; } = new();

        public SortedValues BaseShares { get; } = new();

        public Point First => _ring[_head];

        public Point this[int i] => _ring[(_head + i) % _ring.Length];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(Point point)
        {
            if (Count == _ring.Length)
            {
                var grown = new Point[2 * _ring.Length];
                for (int i = 0; i < Count; i++)
                {
                    grown[i] = this[i];
                }

                _ring = grown;
                _head = 0;
            }

            _ring[(_head + Count) % _ring.Length] = point;
            Count++;
            // The point Recent back leaves the recent samples for the baseline.
            if (Count > Recent)
            {
                var joining = this[Count - 1 - Recent];
                BaseNorms.Add(joining.Norm);
                BaseShares.Add(joining.Share);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RemoveFirst()
        {
            // The oldest point is in the baseline whenever there is one.
            if (Count > Recent)
            {
                BaseNorms.Remove(First.Norm);
                BaseShares.Remove(First.Share);
            }

            _head = (_head + 1) % _ring.Length;
            Count--;
        }

        // The median of the last Recent points (or of all, when fewer), as SeriesHistory.MedianOf gives it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double RecentMedian(Func<Point, double> value)
        {
            int from = Math.Max(0, Count - Recent);
            Span<double> values = stackalloc double[Recent];
            values = values[..(Count - from)];
            for (int i = from; i < Count; i++)
            {
                values[i - from] = value(this[i]);
            }

            return SeriesHistory.MedianOf(values);
        }
    }

    // The baseline looks back this many steps, and judges only once it spans at least the minimum.
    private const long HorizonSteps = 300;
    private const long MinSpanSteps = 100;

    // At every = 1 the horizon would hold 300 samples; this bounds the memory.
    private const int MaxPoints = 200;

    // The last samples, smoothed by their median, against the baseline before them.
    private const int Recent = 3;

    // How far the share and the norm must have risen: a healthy layer's share of the gradient drifts by a factor of
    // two or three as training moves from one phase to the next, not by five while its own norm triples.
    private const double ShareRise = 5;
    private const double NormRiseBar = 3;
}
