using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Rendering;

/// <summary>
/// The training scalars the report charts before anything else: the loss, the learning rates, the global gradient
/// norm — the curves a person compares first, and the ones a learning-rate verdict is about. Each onset is the one the
/// text report states (<see cref="DiffTextReport.DescribeScalars"/>), so chart and text name the same step.
/// </summary>
internal static class TrainingCurves
{
    // One chart per learning rate, a few at most: a model with 30 parameter groups has one schedule, repeated.
    private const int MaxLearningRates = 3;

    /// <summary>The curves both runs logged, loss first.</summary>
    public static IReadOnlyList<TrainingCurve> Of(DiffResult result)
    {
        var a = result.RunA;
        var b = result.RunB;
        var curves = new List<TrainingCurve>();
        var scalars = result.Scalars;
        Add(curves, a, b, "loss", "loss", RunTags.Loss, scalars.Loss?.Onset?.Step);
        foreach (string tag in a.Scalars.Keys.Where(RunTags.IsLearningRate).Where(b.Scalars.ContainsKey).Order(StringComparer.Ordinal).Take(MaxLearningRates))
        {
            var change = scalars.LearningRateChanges.FirstOrDefault(c => c.Tag == tag);
            Add(curves, a, b, "lr", "learning rate", tag, change?.Step);
        }

        Add(curves, a, b, "grad_norm", "global gradient norm", RunTags.GlobalGradientNorm, scalars.GlobalGradientNorm?.Onset?.Step);
        return curves;
    }

    private static void Add(List<TrainingCurve> curves, RunData a, RunData b, string chart, string title, string tag, long? onset)
    {
        if (a.Scalars.TryGetValue(tag, out var pointsA) && b.Scalars.TryGetValue(tag, out var pointsB))
        {
            curves.Add(new TrainingCurve(chart, $"{title} ({tag})", tag, Drawable(pointsA), Drawable(pointsB), onset));
        }
    }

    // The finite values, last per step, downsampled like every chart of the report.
    private static List<KeyValuePair<long, double>> Drawable(IEnumerable<ScalarPoint> points)
    {
        var finite = LogRatioSeries.Values(points).Where(p => double.IsFinite(p.Value)).ToList();
        return ChartSampling.DownsampleIndices(finite.Count).Select(i => finite[i]).ToList();
    }
}
