using System.Text.Json;
using TrainWatch.Cli.Analysis;
using TrainWatch.Cli.Reading;

namespace TrainWatch.Cli.Rendering;

/// <summary>The diff as JSON for scripts: every tag's per-step series plus the verdicts.</summary>
internal static class DiffJsonReport
{
    /// <summary>Writes <paramref name="result"/> as one JSON document.</summary>
    public static void Write(DiffResult result, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("run_a", result.RunA.Directory);
        json.WriteString("run_b", result.RunB.Directory);
        json.WriteString("distance", "W1 / sqrt((E_A[x^2] + E_B[x^2]) / 2)");
        json.WriteDouble("threshold", result.Options.Threshold);
        json.WriteDouble("explode_factor", result.Options.ExplodeFactor);
        json.WriteNumber("max_points_per_tag", result.Options.MaxPointsPerTag);
        json.WriteBoolean("findings", result.HasFindings);
        json.WriteString("summary", DiffTextReport.Summarize(result));
        WriteRootCause(json, result);
        json.WriteStartArray("non_finite");
        foreach (var finding in result.NonFinite)
        {
            WriteNonFinite(json, finding);
        }

        json.WriteEndArray();
        WriteScalars(json, result.Scalars);
        WriteIncidents(json, "incidents_in_a", result.RunA);
        WriteIncidents(json, "incidents_in_b", result.RunB);
        json.WriteNumber("sampling_interval", result.Interval);
        json.WriteNumber("layers_compared", result.Layers.Count);
        json.WriteStartArray("diverging_layers");
        foreach (var layer in result.DivergingLayers)
        {
            WriteLayer(json, layer);
        }

        json.WriteEndArray();
        WriteStrings(json, "tags_only_in_a", result.TagsOnlyInA);
        WriteStrings(json, "tags_only_in_b", result.TagsOnlyInB);
        WriteStrings(json, "notes", result.Notes);
        json.WriteStartArray("tags");
        foreach (var tag in result.Ranked)
        {
            WriteTag(json, tag);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTag(Utf8JsonWriter json, TagComparison tag)
    {
        json.WriteStartObject();
        json.WriteString("tag", tag.Tag);
        json.WriteDouble("max_distance", tag.MaxDistance);
        json.WriteNullableNumber("max_distance_step", tag.MaxDistanceStep);
        json.WriteNullableNumber("onset_step", tag.OnsetStep);
        json.WriteNullableNumber("norm_onset_step", tag.NormOnsetStep);
        json.WriteString("grid_a", tag.GridA);
        json.WriteString("grid_b", tag.GridB);
        json.WriteNumber("steps_only_in_a", tag.StepsOnlyInA);
        json.WriteNumber("steps_only_in_b", tag.StepsOnlyInB);
        WriteExplosion(json, "exploding_in_a", tag.ExplodingInA);
        WriteExplosion(json, "exploding_in_b", tag.ExplodingInB);
        json.WriteNumber("common_steps", tag.CommonStepCount);
        json.WriteStartArray("steps");
        foreach (long step in tag.Steps)
        {
            json.WriteNumberValue(step);
        }

        json.WriteEndArray();
        WriteDoubles(json, "distances", tag.Distances);
        WriteDoubles(json, "norm_ratios", tag.NormRatios);
        WriteDoubles(json, "std_ratios", tag.StdRatios);
        json.WriteEndObject();
    }

    // The watcher's own incidents in a run, oldest first (empty for a run written before incidents, or by another writer).
    private static void WriteIncidents(Utf8JsonWriter json, string name, Reading.RunData run)
    {
        json.WriteStartArray(name);
        foreach (var incident in RunIncident.OldestFirst(run))
        {
            var start = incident.Start;
            json.WriteStartObject();
            json.WriteNumber("id", start.Id);
            json.WriteNumber("step", start.Step);
            json.WriteString("layer", start.Layer);
            json.WriteString("kind", start.Kind);
            json.WriteString("cause_class", start.CauseClass);
            json.WriteString("cause", start.Cause);
            json.WriteString("what_to_try", start.WhatToTry);
            json.WriteNumber("findings", incident.Findings.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteExplosion(Utf8JsonWriter json, string name, ExplosionFinding? finding)
    {
        if (finding is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteDouble("growth_factor", finding.GrowthFactor);
        json.WriteNumber("from_step", finding.FromStep);
        json.WriteNumber("to_step", finding.ToStep);
        json.WriteNullableNumber("non_finite_step", finding.NonFiniteStep);
        json.WriteNullableNumber("onset_step", finding.OnsetStep);
        json.WriteString("description", finding.Describe());
        json.WriteEndObject();
    }

    private static void WriteRootCause(Utf8JsonWriter json, DiffResult result)
    {
        if (result.RootCause is not { } cause)
        {
            json.WriteNull("root_cause");
            return;
        }

        json.WriteStartObject("root_cause");
        json.WriteString("kind", cause.KindName);
        json.WriteString("tag", cause.Tag);
        if (cause.Layer is null)
        {
            json.WriteNull("layer");
        }
        else
        {
            json.WriteString("layer", cause.Layer);
        }

        json.WriteNumber("onset_step", cause.OnsetStep);
        json.WriteString("verdict", DiffTextReport.Verdict(result));
        WriteStrings(json, "evidence", cause.Evidence);
        json.WriteEndObject();
    }

    private static void WriteNonFinite(Utf8JsonWriter json, NonFiniteFinding finding)
    {
        json.WriteStartObject();
        json.WriteString("run", finding.Run);
        json.WriteNumber("step", finding.Step);
        if (finding.FirstLayer is null)
        {
            json.WriteNull("first_layer");
        }
        else
        {
            json.WriteString("first_layer", finding.FirstLayer);
        }

        json.WriteStartArray("signals");
        foreach (var signal in finding.Signals)
        {
            json.WriteStartObject();
            json.WriteString("role", signal.Role.ToString().ToLowerInvariant());
            if (signal.Layer is not null)
            {
                json.WriteString("layer", signal.Layer);
            }

            json.WriteString("source", signal.Source);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("description", finding.Describe());
        json.WriteEndObject();
    }

    private static void WriteScalars(Utf8JsonWriter json, ScalarComparison scalars)
    {
        json.WriteStartObject("scalars");
        json.WriteStartArray("learning_rate_changes");
        foreach (var change in scalars.LearningRateChanges)
        {
            json.WriteStartObject();
            json.WriteString("tag", change.Tag);
            json.WriteNumber("step", change.Step);
            json.WriteDouble("ratio", change.Ratio);
            json.WriteDouble("last_ratio", change.LastRatio);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteSeriesOnset(json, "loss", scalars.Loss);
        WriteSeriesOnset(json, "global_grad_norm", scalars.GlobalGradientNorm);
        json.WriteEndObject();
    }

    private static void WriteSeriesOnset(Utf8JsonWriter json, string name, LogRatioSeries? series)
    {
        if (series is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("tag", series.Tag);
        WriteOnset(json, series.Onset);
        json.WriteEndObject();
    }

    private static void WriteOnset(Utf8JsonWriter json, Onset? onset)
    {
        json.WriteNullableNumber("onset_step", onset?.Step);
        json.WriteNullableNumber("detection_step", onset?.DetectionStep);
        if (onset is null)
        {
            json.WriteNull("log_departure");
            return;
        }

        json.WriteDouble("log_departure", onset.Departure);
        json.WriteDouble("log_baseline", onset.Baseline);
        json.WriteDouble("log_noise", onset.Noise);
    }

    private static void WriteLayer(Utf8JsonWriter json, LayerDivergence layer)
    {
        json.WriteStartObject();
        json.WriteString("layer", layer.Layer);
        json.WriteString("tag", layer.Gradient.Tag);
        WriteOnset(json, layer.Gradient.Onset);
        json.WriteNullableNumber("weight_onset_step", layer.Weight?.Onset?.Step);
        json.WriteEndObject();
    }

    private static void WriteDoubles(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            json.WriteDoubleValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
