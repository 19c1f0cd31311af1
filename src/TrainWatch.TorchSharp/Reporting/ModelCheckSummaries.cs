using TrainWatch.Protos;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Inspection;

namespace TrainWatch.TorchSharp.Reporting;

/// <summary>
/// The model check's findings as TensorBoard summaries at the first step: the alerts' text, and for each suspect
/// tensor the measurements behind it under <c>weight_*</c> tags that a sample step does not write (so no tag has two
/// values at one step).
/// </summary>
internal static class ModelCheckSummaries
{
    /// <summary>Largest finite |x|.</summary>
    public const string AbsMax = "abs_max";

    /// <summary>Nonzero values below the dtype's smallest normal magnitude.</summary>
    public const string DenormalCount = "denormal_count";

    /// <summary>NaN and ±∞ values.</summary>
    public const string NonFiniteCount = "non_finite_count";

    /// <summary>Standard deviation over the init scale (<see cref="InitialValueRules.InitScale"/>), for weight matrices.</summary>
    public const string StdToInitScale = "std_to_init_scale";

    public static Summary Build(IReadOnlyList<Alert> alerts, IReadOnlyList<TensorReading> suspects, long totalAlerts)
    {
        var summary = SampleSummaries.BuildAlerts(alerts, totalAlerts);
        foreach (var reading in suspects)
        {
            var t = reading.Tensor;
            void Scalar(string statistic, double value) => summary.Value.Add(ScalarSummary.ToValue(SummaryTags.WeightStatistic(statistic, t.Name), value));
            Scalar(AbsMax, reading.AbsMax);
            Scalar(DenormalCount, reading.Denormals);
            Scalar(NonFiniteCount, reading.NonFinite);
            if (!t.IsBuffer && t.Rank >= 2 && reading.Stats.Finite > 1)
            {
                Scalar(StdToInitScale, reading.Stats.Std / InitialValueRules.InitScale(t));
            }
        }

        return summary;
    }
}
