using System.Runtime.CompilerServices;
using System.Text;
using TrainWatch.Protos;
using TrainWatch.RunFormat;
using TrainWatch.Summaries;
using TrainWatch.TorchSharp.Diagnosis;
using TrainWatch.TorchSharp.Sampling;

namespace TrainWatch.TorchSharp.Reporting;

/// <summary>
/// From a sample's host-side statistics to TensorBoard summaries. The watcher runs these on the training thread
/// (docs/reliability.md, issue 24), so a sample's values are encoded straight into the writer's encoder
/// (<see cref="SummaryEncoder"/>: no message per value, nothing allocated once it has grown); nothing else is changed.
/// </summary>
internal static class SampleSummaries
{
    /// <summary>Adds the summary of one sample step to <paramref name="values"/>: scalars and histograms of weights, gradients and activations.</summary>
    /// <param name="sample">The sample.</param>
    /// <param name="values">Where the values go.</param>
    /// <param name="tags">The layers' tags, kept from sample to sample (null: made for this call).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode(SampleData sample, SummaryEncoder values, SummaryTags? tags = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(values);
        tags ??= new SummaryTags();
        if (sample.Loss is { } loss)
        {
            values.AddScalar(SummaryTags.Loss, loss);
        }

        double globalGradientNorm = sample.GlobalGradientNorm;
        if (!double.IsNaN(globalGradientNorm))
        {
            values.AddScalar(SummaryTags.GlobalGradientNorm, globalGradientNorm);
        }

        if (double.IsFinite(sample.StepsPerSecond))
        {
            values.AddScalar(SummaryTags.StepsPerSecond, sample.StepsPerSecond);
        }

        foreach (var (group, rate) in sample.LearningRates)
        {
            values.AddScalar(tags.LearningRate(group), rate);
        }

        foreach (var p in sample.Parameters)
        {
            var weightTags = tags.Weight(p.Name);
            AddTensorScalars(values, p.Weight, weightTags);
            p.Weight.AddHistogram(values, weightTags[SummaryTags.Histogram]);
            if (p.Gradient is { } grad)
            {
                var gradientTags = tags.Gradient(p.Name);
                AddTensorScalars(values, grad, gradientTags);
                grad.AddHistogram(values, gradientTags[SummaryTags.Histogram]);
            }
        }

        foreach (var a in sample.Activations)
        {
            var output = a.Output;
            var outputTags = tags.Activation(a.Name);
            values.AddScalar(outputTags[SummaryTags.OutputMean], output.Mean);
            values.AddScalar(outputTags[SummaryTags.OutputStd], output.Std);
            values.AddScalar(outputTags[SummaryTags.OutputZeroFraction], output.ZeroFraction);
            if (output.Channels > 0)
            {
                values.AddScalar(outputTags[SummaryTags.OutputDeadUnits], output.DeadChannels);
            }

            // Counts are written only when counted: a tensor gone before its recount is known to hold NaN/±∞, no more.
            if (output.HasNonFinite && double.IsFinite(output.NaNCount))
            {
                values.AddScalar(outputTags[SummaryTags.OutputNaNCount], output.NaNCount);
                values.AddScalar(outputTags[SummaryTags.OutputInfCount], output.InfCount);
            }

            output.AddHistogram(values, outputTags[SummaryTags.OutputHistogram]);
        }
    }

    /// <summary>Adds the update ratios of one optimizer step to <paramref name="values"/> (written at the step they belong to).</summary>
    /// <param name="updates">The update ratios, or null (nothing is added).</param>
    /// <param name="values">Where the values go.</param>
    /// <param name="tags">The layers' tags, kept from sample to sample (null: made for this call).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EncodeUpdates(UpdateSample? updates, SummaryEncoder values, SummaryTags? tags = null)
    {
        if (updates is null)
        {
            return;
        }

        tags ??= new SummaryTags();
        foreach (var (name, updateNorm, weightNorm) in updates.Ratios)
        {
            if (weightNorm > 0 && double.IsFinite(updateNorm) && double.IsFinite(weightNorm))
            {
                values.AddScalar(tags.UpdateRatio(name), updateNorm / weightNorm);
            }
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTensorScalars(SummaryEncoder values, TensorStats stats, PreparedTag[] tags)
    {
        void Scalar(int tag, double value) => values.AddScalar(tags[tag], value);
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
