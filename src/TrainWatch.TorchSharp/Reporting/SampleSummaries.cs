using System.Text;
using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Reporting;

/// <summary>
/// Pure functions from a sample's host-side statistics to TensorBoard summaries. They run on the writer's thread.
/// </summary>
internal static class SampleSummaries
{
    /// <summary>The summary of one sample step: scalars and histograms of weights, gradients and activations.</summary>
    public static Summary Build(SampleData sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var summary = new Summary();
        void Scalar(string tag, double value) => summary.Value.Add(ScalarSummary.ToValue(tag, value));
        void Histogram(string tag, TensorStats stats)
        {
            if (stats.ToHistogram() is { } data && HistogramSummary.FromBuckets(data) is { } proto)
            {
                summary.Value.Add(HistogramSummary.ToValue(tag, proto));
            }
        }

        if (sample.Loss is { } loss)
        {
            Scalar(RunTags.Loss, loss);
        }

        double globalGradientNorm = sample.GlobalGradientNorm;
        if (!double.IsNaN(globalGradientNorm))
        {
            Scalar(RunTags.GlobalGradientNorm, globalGradientNorm);
        }

        if (double.IsFinite(sample.StepsPerSecond))
        {
            Scalar(RunTags.StepsPerSecond, sample.StepsPerSecond);
        }

        foreach (var (group, rate) in sample.LearningRates)
        {
            Scalar(RunTags.LearningRate(group), rate);
        }

        foreach (var p in sample.Parameters)
        {
            AddTensorScalars(summary, p.Weight, s => LayerTags.WeightStatistic(s, p.Name));
            Histogram(LayerTags.WeightHistogram(p.Name), p.Weight);
            if (p.Gradient is { } grad)
            {
                AddTensorScalars(summary, grad, s => LayerTags.GradientStatistic(s, p.Name));
                Histogram(LayerTags.GradientHistogram(p.Name), grad);
            }
        }

        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            Scalar(LayerTags.ActivationStatistic(TensorStatistic.Mean, a.Name), output.Mean);
            Scalar(LayerTags.ActivationStatistic(TensorStatistic.Std, a.Name), output.Std);
            Scalar(LayerTags.ActivationStatistic(TensorStatistic.ZeroFraction, a.Name), output.ZeroFraction);
            if (output.Channels > 0)
            {
                Scalar(LayerTags.ActivationStatistic(TensorStatistic.DeadUnits, a.Name), output.DeadChannels);
            }

            // Counts are written only when counted: a tensor gone before its recount is known to hold NaN/±∞, no more.
            if (output.HasNonFinite && double.IsFinite(output.NaNCount))
            {
                Scalar(LayerTags.ActivationStatistic(TensorStatistic.NaNCount, a.Name), output.NaNCount);
                Scalar(LayerTags.ActivationStatistic(TensorStatistic.InfCount, a.Name), output.InfCount);
            }

            Histogram(LayerTags.ActivationHistogram(a.Name), output);
        }

        return summary;
    }

    /// <summary>The update ratios of one optimizer step (written at the step they belong to).</summary>
    public static Summary? BuildUpdates(UpdateSample? updates)
    {
        if (updates is null)
        {
            return null;
        }

        var summary = new Summary();
        foreach (var (name, updateNorm, weightNorm) in updates.Ratios)
        {
            if (weightNorm > 0 && double.IsFinite(updateNorm) && double.IsFinite(weightNorm))
            {
                summary.Value.Add(ScalarSummary.ToValue(LayerTags.UpdateRatio(name), updateNorm / weightNorm));
            }
        }

        return summary.Value.Count == 0 ? null : summary;
    }

    /// <summary>Text summaries for new alerts, the line of the incident they start (if any), and the running alert count.</summary>
    public static Summary BuildAlerts(IReadOnlyList<Alert> alerts, long totalAlerts, Incident? started = null)
    {
        var summary = new Summary();
        if (started is { Root: var root, Cause: var cause })
        {
            // The CLI groups findings by the incident their lines name; this line says which one is the root, and why.
            string line = IncidentLine.Format(started.Id, root.Step, root.Layer, AlertTags.KindOf(root.Tag) ?? root.Kind.ToString(), cause.Class, cause.Description, cause.WhatToTry);
            summary.Value.Add(TextSummary.ToValue(AlertTags.Incidents, line));
        }

        foreach (var group in alerts.GroupBy(a => a.Tag))
        {
            var text = new StringBuilder();
            foreach (var alert in group)
            {
                text.Append(AlertLine.Format(alert.Step, alert.Layer, alert.Message, alert.Incident));
            }

            summary.Value.Add(TextSummary.ToValue(group.Key, text.ToString()));
        }

        summary.Value.Add(ScalarSummary.ToValue(AlertTags.Count, totalAlerts));
        return summary;
    }

    private static void AddTensorScalars(Summary summary, TensorStats stats, Func<string, string> tag)
    {
        void Scalar(string statistic, double value) => summary.Value.Add(ScalarSummary.ToValue(tag(statistic), value));
        Scalar(TensorStatistic.Norm, stats.Norm);
        Scalar(TensorStatistic.Mean, stats.Mean);
        Scalar(TensorStatistic.Std, stats.Std);
        if (stats.Finite > 0)
        {
            Scalar(TensorStatistic.Min, stats.Min);
            Scalar(TensorStatistic.Max, stats.Max);
        }

        Scalar(TensorStatistic.ZeroFraction, stats.ZeroFraction);
        Scalar(TensorStatistic.NaNCount, stats.NaNCount);
        Scalar(TensorStatistic.InfCount, stats.InfCount);
    }
}
