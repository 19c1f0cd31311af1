using System.Globalization;

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
    private readonly Dictionary<string, List<Point>> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _normRise = new(StringComparer.Ordinal);

    /// <summary>
    /// How far <paramref name="name"/>'s norm stands above its baseline at its last sample (1 while it has too short a
    /// history): a creeping layer has no companion — layers that rise together are a phase of training.
    /// </summary>
    public double NormRise(string name) => _normRise.GetValueOrDefault(name, 1);

    /// <summary>Notes this sample's norm and share of <paramref name="name"/>; a finding when it has crept up.</summary>
    public Finding? Add(string name, long step, double norm, double share, bool eligible)
    {
        if (!double.IsFinite(norm) || !double.IsFinite(share))
        {
            return null;
        }

        if (!_series.TryGetValue(name, out var points))
        {
            points = [];
            _series[name] = points;
        }

        points.Add(new Point(step, norm, share));
        // Keep the horizon, but never fewer than the samples the other rules look at, and never an unbounded list.
        while (points.Count > options.HistoryWindow && (step - points[0].Step > HorizonSteps || points.Count > MaxPoints))
        {
            points.RemoveAt(0);
        }

        int baseCount = points.Count - Recent;
        if (baseCount < 2 * options.WarmupSamples || step - points[0].Step < MinSpanSteps)
        {
            _normRise.Remove(name);
            return null;
        }

        double recentNorm = Median(points, baseCount, points.Count, p => p.Norm);
        double baseNorm = Median(points, 0, baseCount, p => p.Norm);
        double normRise = recentNorm / baseNorm;
        _normRise[name] = normRise;
        if (!eligible)
        {
            return null;
        }

        double recentShare = Median(points, baseCount, points.Count, p => p.Share);
        double baseShare = Median(points, 0, baseCount, p => p.Share);
        double shareRise = recentShare / baseShare;
        // Every one of the recent samples above the bar, not just their median: a single outlier is not a climb.
        bool allRecentUp = points.Skip(baseCount).All(p => p.Norm > NormRiseBar / 2 * baseNorm);
        if (!(shareRise >= ShareRise && normRise >= NormRiseBar && allRecentUp))
        {
            return null;
        }

        long span = step - points[0].Step;
        return new Finding(AlertKind.ExplodingGradient, name, norm, string.Create(CultureInfo.InvariantCulture,
            $"{name} gradient norm has climbed steadily to {recentNorm:G3}, {normRise:G3}× its median of the last {span} steps ({baseNorm:G3}), and {shareRise:G3}× its share of the other layers' gradient"));
    }

    private static double Median(List<Point> points, int from, int to, Func<Point, double> value)
    {
        var values = new double[to - from];
        for (int i = from; i < to; i++)
        {
            values[i - from] = value(points[i]);
        }

        return SeriesHistory.MedianOf(values);
    }

    private readonly record struct Point(long Step, double Norm, double Share);

    // The baseline looks back this many steps, and judges only once it spans at least the minimum.
    private const long HorizonSteps = 300;
    private const long MinSpanSteps = 100;

    // At every = 1 the horizon would hold 300 samples; this bounds the memory and the sort.
    private const int MaxPoints = 200;

    // The last samples, smoothed by their median, against the baseline before them.
    private const int Recent = 3;

    // How far the share and the norm must have risen: a healthy layer's share of the gradient drifts by a factor of
    // two or three as training moves from one phase to the next, not by five while its own norm triples.
    private const double ShareRise = 5;
    private const double NormRiseBar = 3;
}
