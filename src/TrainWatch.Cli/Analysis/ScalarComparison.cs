using TrainWatch.Cli.Reading;
using TrainWatch.RunFormat;

namespace TrainWatch.Cli.Analysis;

/// <summary>A learning rate of run B that differs from run A's.</summary>
/// <param name="Tag"><c>train/lr</c> or <c>train/lr/&lt;group&gt;</c>.</param>
/// <param name="Step">The first common step where they differ.</param>
/// <param name="Ratio">lr_B / lr_A at that step.</param>
/// <param name="LastRatio">lr_B / lr_A at the last common step.</param>
internal sealed record LearningRateChange(string Tag, long Step, double Ratio, double LastRatio);

/// <summary>
/// The training scalars the watcher writes, compared: learning rates (<c>train/lr*</c>), the loss
/// (<c>train/loss</c>) and the global gradient norm (<c>train/grad_norm</c>). Loss and norm get the same change-point
/// onset as the layers (<see cref="ChangePoint"/>); learning rates are set, not measured, so any difference counts.
/// </summary>
internal sealed class ScalarComparison
{
    // Learning rates are logged as float32: a relative difference of 1e-3 is far above rounding (6e-8), far below any
    // schedule change a person makes on purpose.
    private static readonly double s_learningRateTolerance = 1e-3;

    /// <summary>Learning rates that differ, earliest first.</summary>
    public required IReadOnlyList<LearningRateChange> LearningRateChanges { get; init; }

    /// <summary>ln(loss_B/loss_A), when both runs logged a loss.</summary>
    public LogRatioSeries? Loss { get; init; }

    /// <summary>ln(‖g‖_B/‖g‖_A) of the global gradient norm, when both runs logged it.</summary>
    public LogRatioSeries? GlobalGradientNorm { get; init; }

    /// <summary>Whether any of them differs.</summary>
    public bool HasFindings => LearningRateChanges.Count > 0 || Loss?.Onset is not null || GlobalGradientNorm?.Onset is not null;

    /// <summary>Compares the scalars of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static ScalarComparison Compare(RunData a, RunData b, IReadOnlySet<long> stepsOfB)
    {
        var changes = new List<LearningRateChange>();
        foreach (string tag in a.Scalars.Keys.Where(RunTags.IsLearningRate).Order(StringComparer.Ordinal))
        {
            if (b.Scalars.TryGetValue(tag, out var pointsB) && FirstChange(tag, LogRatioSeries.Values(a.Scalars[tag]), LogRatioSeries.Values(pointsB)) is { } change)
            {
                changes.Add(change);
            }
        }

        return new ScalarComparison
        {
            LearningRateChanges = changes.OrderBy(c => c.Step).ThenBy(c => c.Tag, StringComparer.Ordinal).ToList(),
            Loss = Series(RunTags.Loss, a, b, stepsOfB),
            GlobalGradientNorm = Series(RunTags.GlobalGradientNorm, a, b, stepsOfB),
        };
    }

    private static LogRatioSeries? Series(string tag, RunData a, RunData b, IReadOnlySet<long> stepsOfB) =>
        a.Scalars.TryGetValue(tag, out var pointsA) && b.Scalars.TryGetValue(tag, out var pointsB)
            ? LogRatioSeries.Compare(tag, LogRatioSeries.Values(pointsA), LogRatioSeries.Values(pointsB), stepsOfB)
            : null;

    private static LearningRateChange? FirstChange(string tag, SortedList<long, double> a, SortedList<long, double> b)
    {
        LearningRateChange? first = null;
        double last = 1;
        foreach (var (step, rateA) in a)
        {
            if (!b.TryGetValue(step, out double rateB))
            {
                continue;
            }

            double ratio = rateA == rateB ? 1 : rateB / rateA;
            last = ratio;
            if (first is null && !(Math.Abs(rateB - rateA) <= s_learningRateTolerance * Math.Max(Math.Abs(rateA), Math.Abs(rateB))))
            {
                first = new LearningRateChange(tag, step, ratio, ratio);
            }
        }

        return first is null ? null : first with { LastRatio = last };
    }
}
