using TrainWatch.Protos;
using TrainWatch.RunFormat;
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
    public static Summary Build(IReadOnlyList<Alert> alerts, IReadOnlyList<TensorReading> suspects, long totalAlerts)
    {
        var summary = SampleSummaries.BuildAlerts(alerts, totalAlerts);
        foreach (var reading in suspects)
        {
            var t = reading.Tensor;
            void Scalar(string statistic, double value) => summary.Value.Add(ScalarSummary.ToValue(LayerTags.WeightStatistic(statistic, t.Name), value));
            Scalar(TensorStatistic.AbsMax, reading.AbsMax);
            Scalar(TensorStatistic.DenormalCount, reading.Denormals);
            Scalar(TensorStatistic.NonFiniteCount, reading.NonFinite);
            if (!t.IsBuffer && t.Rank >= 2 && reading.Stats.Finite > 1)
            {
                Scalar(TensorStatistic.StdToInitScale, reading.Stats.Std / InitialValueRules.InitScale(t));
            }
        }

        return summary;
    }
}
