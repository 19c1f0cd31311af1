using System.Text;
using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Reporting;

/// <summary>
/// Pure functions from a sample's host-side statistics to TensorBoard summaries. The watcher's writer runs them on the
/// training thread (docs/reliability.md, issue 24), so they allocate as little as they can.
/// </summary>
internal static class SampleSummaries
{
    /// <summary>The summary of one sample step: scalars and histograms of weights, gradients and activations.</summary>
    /// <param name="sample">The sample.</param>
    /// <param name="tags">The layers' tags, kept from sample to sample (null: made for this call).</param>
    public static Summary Build(SampleData sample, SummaryTags? tags = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        tags ??= new SummaryTags();
        var summary = new Summary();
        var values = summary.Value;

        // Sized once: the list would otherwise double its way up to a few thousand values for a large model.
        values.Capacity = 4 + sample.LearningRates.Count + (18 * sample.Parameters.Count) + (7 * sample.Activations.Count);
        void Scalar(string tag, double value) => values.Add(ScalarSummary.ToValue(tag, value));
        void Histogram(string tag, TensorStats stats)
        {
            if (stats.ToHistogramProto() is { } proto)
            {
                values.Add(HistogramSummary.ToValue(tag, proto));
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
            var weightTags = tags.Weight(p.Name);
            AddTensorScalars(values, p.Weight, weightTags);
            Histogram(weightTags[SummaryTags.Histogram], p.Weight);
            if (p.Gradient is { } grad)
            {
                var gradientTags = tags.Gradient(p.Name);
                AddTensorScalars(values, grad, gradientTags);
                Histogram(gradientTags[SummaryTags.Histogram], grad);
            }
        }

        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            var outputTags = tags.Activation(a.Name);
            Scalar(outputTags[SummaryTags.OutputMean], output.Mean);
            Scalar(outputTags[SummaryTags.OutputStd], output.Std);
            Scalar(outputTags[SummaryTags.OutputZeroFraction], output.ZeroFraction);
            if (output.Channels > 0)
            {
                Scalar(outputTags[SummaryTags.OutputDeadUnits], output.DeadChannels);
            }

            // Counts are written only when counted: a tensor gone before its recount is known to hold NaN/±∞, no more.
            if (output.HasNonFinite && double.IsFinite(output.NaNCount))
            {
                Scalar(outputTags[SummaryTags.OutputNaNCount], output.NaNCount);
                Scalar(outputTags[SummaryTags.OutputInfCount], output.InfCount);
            }

            Histogram(outputTags[SummaryTags.OutputHistogram], output);
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

    private static void AddTensorScalars(Google.Protobuf.Collections.RepeatedField<Summary.Types.Value> values, TensorStats stats, string[] tags)
    {
        void Scalar(int tag, double value) => values.Add(ScalarSummary.ToValue(tags[tag], value));
        Scalar(SummaryTags.Norm, stats.Norm);
        Scalar(SummaryTags.Mean, stats.Mean);
        Scalar(SummaryTags.Std, stats.Std);
        if (stats.Finite > 0)
        {
            Scalar(SummaryTags.Min, stats.Min);
            Scalar(SummaryTags.Max, stats.Max);
        }

        Scalar(SummaryTags.ZeroFraction, stats.ZeroFraction);
        Scalar(SummaryTags.NaNCount, stats.NaNCount);
        Scalar(SummaryTags.InfCount, stats.InfCount);
    }
}
